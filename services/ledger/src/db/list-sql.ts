import type { CursorKey } from "../http/list-cursor.js";
import type { ListFilters } from "../http/list-query.js";

/** A listed table: its name and the key columns that follow `created_at` in its keyset order. */
export interface ListedTable {
  table: "payments" | "refunds";
  /** `store_id` first: with a store filter it is constant, and the key continues with the rest. */
  keyColumns: readonly ["store_id", ...string[]];
  /** The condition that the row's payment was made with method `$n`. */
  methodCondition: (param: string) => string;
}

export const paymentsTable: ListedTable = {
  table: "payments",
  keyColumns: ["store_id", "order_number"],
  methodCondition: (p) => `method = ${p}`,
};

export const refundsTable: ListedTable = {
  table: "refunds",
  keyColumns: ["store_id", "order_number", "refund_number"],
  // The payment the refund belongs to: the latest of that number created before the refund.
  methodCondition: (p) =>
    `(SELECT p.method FROM payments p WHERE p.store_id = refunds.store_id AND p.order_number = refunds.order_number AND p.created_at <= refunds.created_at ORDER BY p.created_at DESC LIMIT 1) = ${p}`,
};

/** `created_at` as the cursor keeps it: UTC, microseconds (what timestamptz holds). */
export const cursorCreatedAt = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The SQL of a list or an export: `select` columns of `spec.table` matching `filters`, in keyset
 * order (`created_at`, then the key columns; newest first unless `asc`), strictly after `after`,
 * at most `limit` rows. Every value is a parameter. The WHERE clause is shaped for the indexes:
 * with a store filter the keyset compares (created_at, key without store) after `store_id = $1`;
 * without one, (created_at, store_id, …).
 */
export function listSql(spec: ListedTable, select: string, filters: ListFilters, after?: CursorKey, limit?: number): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (filters.storeId !== undefined) where.push(`store_id = ${param(filters.storeId)}`);
  if (filters.status !== undefined) where.push(`status = ${param(filters.status)}`);
  if (filters.method !== undefined) where.push(spec.methodCondition(param(filters.method)));
  // The prefix holds only A-Z a-z 0-9 _ -: `_` is LIKE's one-character wildcard, escaped.
  if (filters.orderNumber !== undefined) where.push(`order_number LIKE ${param(`${filters.orderNumber.replace(/_/g, "\\_")}%`)}`);
  if (filters.from !== undefined) where.push(`created_at >= ${param(filters.from.toISOString())}`);
  if (filters.to !== undefined) where.push(`created_at < ${param(filters.to.toISOString())}`);

  const [, ...afterStore] = spec.keyColumns;
  const keyset = filters.storeId !== undefined ? ["created_at", ...afterStore] : ["created_at", ...spec.keyColumns];
  if (after) {
    const keyValues = filters.storeId !== undefined ? [after.createdAt, ...after.rest.slice(1)] : [after.createdAt, ...after.rest];
    const placeholders = keyValues.map((v, i) => (i === 0 ? `${param(v)}::timestamptz` : param(v)));
    where.push(`(${keyset.join(", ")}) ${filters.order === "desc" ? "<" : ">"} (${placeholders.join(", ")})`);
  }
  const direction = filters.order === "desc" ? "DESC" : "ASC";
  const orderBy = ["created_at", ...spec.keyColumns].map((c) => `${c} ${direction}`).join(", ");
  const text = [
    `SELECT ${select} FROM ${spec.table}`,
    where.length > 0 ? `WHERE ${where.join(" AND ")}` : "",
    `ORDER BY ${orderBy}`,
    limit !== undefined ? `LIMIT ${param(limit)}` : "",
  ]
    .filter((s) => s !== "")
    .join(" ");
  return { text, values };
}
