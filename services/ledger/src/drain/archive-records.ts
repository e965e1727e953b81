import { timeOfStreamId } from "@oceanpos/core/events";
import type { StreamEntry } from "@oceanpos/core/redis";
import { z } from "zod";

/** One stream entry as the `events` table keeps it. */
export interface EventRow {
  streamId: string;
  type: string;
  at: string;
  storeId: string | null;
  orderNumber: string | null;
  /** JSON text. */
  data: string;
}

/** The columns of a `payments` row, from a `payment.<status>` event. */
export interface PaymentRow {
  storeId: string;
  orderNumber: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  status: string;
  mode: string;
  method: string;
  currency: string;
  amount: string;
  refundedAmount: string;
  paymentId: string | null;
  gatewayCode: string | null;
  /** The event that carried this version: its data is the resource. */
  streamId: string;
}

/** The columns of a `refunds` row, from a `refund.<status>` event. */
export interface RefundRow {
  storeId: string;
  orderNumber: string;
  refundNumber: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  status: string;
  currency: string;
  amount: string;
  refundId: string | null;
  gatewayCode: string | null;
  /** The event that carried this version: its data is the resource. */
  streamId: string;
}

/** What one batch of entries writes. `unreadable`: resources that could not be read (stored as events only). */
export interface ArchiveRecords {
  events: EventRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
  unreadable: { streamId: string; type: string; reason: string }[];
  /** Entries deleted from the stream while pending: nothing is left to archive. */
  vanished: string[];
}

const decimal = z.string().regex(/^\d{1,18}(\.\d{1,6})?$/, "is not a decimal amount");
const instant = z.iso.datetime({ offset: true });
// Only what the columns need; the resource itself is kept whole, whatever else it holds, so a
// field added to it later never stops the archive.
const paymentColumns = z.object({
  orderNumber: z.string().min(1),
  storeId: z.string().min(1),
  createdAt: instant,
  updatedAt: instant,
  version: z.number().int().min(1),
  status: z.string().min(1),
  mode: z.string(),
  method: z.string(),
  currency: z.string(),
  amount: decimal,
  refundedAmount: decimal.optional(),
  paymentId: z.string().optional(),
  gateway: z.object({ code: z.string() }).partial().optional(),
});
const refundColumns = z.object({
  refundNumber: z.string().min(1),
  orderNumber: z.string().min(1),
  storeId: z.string().min(1),
  createdAt: instant,
  updatedAt: instant,
  version: z.number().int().min(1),
  status: z.string().min(1),
  currency: z.string(),
  amount: decimal,
  refundId: z.string().optional(),
  gateway: z.object({ code: z.string() }).partial().optional(),
});

/**
 * Turns stream entries (`type`, `at`, `storeId`, `data`) into rows: every entry an event row;
 * a `payment.<status>` or `refund.<status>` event whose resource has that status also the
 * resource's row. Within the batch only the highest version of each payment and refund is kept
 * (one upsert may not touch a row twice), and rows are sorted by key so that concurrent ledgers
 * lock rows in the same order (no deadlock).
 */
export function archiveRecords(entries: readonly StreamEntry[]): ArchiveRecords {
  const out: ArchiveRecords = { events: [], payments: [], refunds: [], unreadable: [], vanished: [] };
  const payments = new Map<string, PaymentRow>();
  const refunds = new Map<string, RefundRow>();
  for (const [streamId, fields] of entries) {
    if (!fields) {
      out.vanished.push(streamId);
      continue;
    }
    const f = fieldMap(fields);
    const type = f.get("type") ?? "unknown";
    const raw = f.get("data") ?? "null";
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      data = undefined;
    }
    const record = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
    const at = f.get("at");
    out.events.push({
      streamId,
      type,
      at: at && instant.safeParse(at).success ? at : timeOfStreamId(streamId).toISOString(),
      storeId: f.get("storeId") ?? null,
      orderNumber: typeof record.orderNumber === "string" ? record.orderNumber : null,
      data: data === undefined ? JSON.stringify(raw) : raw,
    });
    if (type === `payment.${String(record.status)}`) {
      const parsed = paymentColumns.safeParse(data);
      if (!parsed.success) {
        out.unreadable.push({ streamId, type, reason: describe(parsed.error) });
        continue;
      }
      const p = parsed.data;
      keepNewest(payments, `${p.storeId}\u0000${p.orderNumber}\u0000${Date.parse(p.createdAt)}`, {
        storeId: p.storeId,
        orderNumber: p.orderNumber,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        version: p.version,
        status: p.status,
        mode: p.mode,
        method: p.method,
        currency: p.currency,
        amount: p.amount,
        refundedAmount: p.refundedAmount ?? "0",
        paymentId: p.paymentId ?? null,
        gatewayCode: p.gateway?.code ?? null,
        streamId,
      });
    } else if (type === `refund.${String(record.status)}`) {
      const parsed = refundColumns.safeParse(data);
      if (!parsed.success) {
        out.unreadable.push({ streamId, type, reason: describe(parsed.error) });
        continue;
      }
      const r = parsed.data;
      keepNewest(refunds, `${r.storeId}\u0000${r.orderNumber}\u0000${r.refundNumber}\u0000${Date.parse(r.createdAt)}`, {
        storeId: r.storeId,
        orderNumber: r.orderNumber,
        refundNumber: r.refundNumber,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        version: r.version,
        status: r.status,
        currency: r.currency,
        amount: r.amount,
        refundId: r.refundId ?? null,
        gatewayCode: r.gateway?.code ?? null,
        streamId,
      });
    }
  }
  out.events.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  out.payments = sortedValues(payments);
  out.refunds = sortedValues(refunds);
  return out;
}

function keepNewest<T extends { version: number }>(rows: Map<string, T>, key: string, row: T): void {
  const known = rows.get(key);
  if (!known || known.version < row.version) rows.set(key, row);
}

function sortedValues<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

function fieldMap(fields: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  return map;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(resource)"}: ${i.message}`).join("; ");
}
