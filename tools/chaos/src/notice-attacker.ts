import { createHash } from "node:crypto";
import {
  type AttackKind,
  type DocumentFields,
  type Forgery,
  attackKinds,
  documentFields,
  noticeForgeries,
  rejectionSuccesses,
  renderDocument,
  shiftableNotes,
  signedString,
} from "./forgery.js";
import { type HttpClient, sleep } from "./http-client.js";
import type { PlannedPayment } from "./payment-plan.js";

/** The demo stores' terminal (config/stores.example.json): both stores share it. */
const terminal = { account: "995149", terminal: "99514901", secureCode: "12345678" };

/** Statuses in which a payment's outcome is still open: what the attacker aims at. */
export const inFlight: ReadonlySet<string> = new Set(["accepted", "submitting", "awaiting_customer", "pending"]);

/** One payment forged or replayed notices were aimed at. */
export interface AttackTarget {
  kinds: Set<AttackKind>;
  /** Its status when the attacker last looked (before posting). */
  statuses: Set<string>;
}

export interface NoticeAttackerOptions {
  http: HttpClient;
  sandboxUrl: string;
  intakeUrl: string;
  /** Notifier base URLs that should be up; forgeries alternate between them. */
  notifierUrls: () => readonly string[];
  random: () => number;
}

/**
 * The forged-notice attacker of the chaos run. It holds no secureCode; it gets genuine signed
 * documents the ways an attacker can: the gateway's signed rejection of its own pay requests
 * (any bad signValue, notes of its choosing, the order's number, amount and currency, which it
 * can see), notices seen on the wire (the {@link NoticeTap}), and the payment_id of a payment
 * read through the store API, as an insider. It posts every variant of `forgery.ts` to the
 * notifiers. The harness (not the attacker) keeps only documents whose signature verifies with
 * the demo secureCode, so that every forgery sent is one a notifier must actually resist (the
 * sandbox's bad-signature fault corrupts some).
 */
export class NoticeAttacker {
  readonly sent = Object.fromEntries(attackKinds.map((k) => [k, 0])) as Record<AttackKind, number>;
  readonly targets = new Map<string, AttackTarget>();
  readonly documents = { rejections: 0, rejectionsNotObtained: 0, noticesUsed: 0, unverifiable: 0 };
  /** Posts no notifier answered, and answers other than `200 receive-ok` (the contract's answer to any notice). */
  postFailures = 0;
  notReceiveOk = 0;
  private readonly o: NoticeAttackerOptions;
  private readonly posting = new Set<Promise<void>>();
  private turn = 0;

  constructor(options: NoticeAttackerOptions) {
    this.o = options;
  }

  /**
   * Reads the payment through the store API and, while its outcome is open (or always, with
   * `anyStatus`), posts the rejection attacks against it: the rejection replayed, and the two
   * successes shifted out of a rejection asked for with crafted notes, for the payment_id the
   * payment knows or, when it knows none yet, one the attacker made up. False when not attacked.
   */
  async attackPayment(p: PlannedPayment, anyStatus = false): Promise<boolean> {
    const res = await this.o.http
      .json<{ status?: string; paymentId?: string; amount?: string; currency?: string }>("GET", `${this.o.intakeUrl}/v1/payments/${p.orderNumber}`, {
        token: p.store.apiKey,
        timeoutMs: 5_000,
      })
      .catch(() => undefined);
    const status = res?.status === 200 ? res.body.status : undefined;
    if (status === undefined || (!anyStatus && !inFlight.has(status))) return false;
    const order = { orderNumber: p.orderNumber, amount: String(res?.body.amount ?? p.body.amount), currency: String(res?.body.currency ?? p.body.currency) };
    const ourNotes = String(p.body.notes ?? "");
    const paymentId = res?.body.paymentId ?? this.madeUpPaymentId();
    const [replay, shiftable] = await Promise.all([this.rejection({ ...order, notes: ourNotes }), this.rejection({ ...order, notes: shiftableNotes(ourNotes, paymentId) })]);
    const forgeries: Forgery[] = [];
    if (replay) forgeries.push({ kind: "rejection_replay", fields: replay });
    if (shiftable) forgeries.push(...rejectionSuccesses(shiftable, ourNotes, paymentId));
    await Promise.all(forgeries.map((f) => this.post(p.orderNumber, status, f)));
    return forgeries.length > 0;
  }

  /** A notice the tap holds: its forgeries go to the notifiers while the genuine one waits. */
  onNotice(fields: DocumentFields, held: boolean): void {
    if (!held || fields.order_number === undefined) return;
    if (!isGenuine(fields)) {
      this.documents.unverifiable++;
      return;
    }
    this.documents.noticesUsed++;
    const orderNumber = fields.order_number;
    const task = Promise.all(noticeForgeries(fields).map((f) => this.post(orderNumber, "held notice", f))).then(() => undefined);
    this.posting.add(task);
    void task.finally(() => this.posting.delete(task));
  }

  /** Waits for the forgeries still being posted. */
  async drain(): Promise<void> {
    await Promise.all(this.posting);
  }

  get sentTotal(): number {
    return Object.values(this.sent).reduce((a, b) => a + b, 0);
  }

  /** The gateway's signed rejection of a pay request with a bad signValue, or undefined (a fault, a corrupted signature). */
  private async rejection(order: { orderNumber: string; amount: string; currency: string; notes: string }): Promise<DocumentFields | undefined> {
    const form = new URLSearchParams({
      account: terminal.account,
      terminal: terminal.terminal,
      signValue: "0".repeat(64),
      order_number: order.orderNumber,
      order_currency: order.currency,
      order_amount: order.amount,
      order_notes: order.notes,
      methods: "WeChatPay_Offline",
    }).toString();
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await this.o.http
        .text("POST", `${this.o.sandboxUrl}/gateway/directservice/pay`, { body: form, headers: { "content-type": "application/x-www-form-urlencoded" }, timeoutMs: 2_000 })
        .catch(() => undefined);
      if (res?.status === 200) {
        const fields = documentFields(res.body);
        if (fields.payment_id === "" && fields.payment_details?.startsWith("20013:") && isGenuine(fields)) {
          this.documents.rejections++;
          return fields;
        }
      }
      await sleep(100);
    }
    this.documents.rejectionsNotObtained++;
    return undefined;
  }

  private async post(orderNumber: string, status: string, forgery: Forgery): Promise<void> {
    const body = renderDocument(forgery.fields);
    const urls = this.o.notifierUrls();
    for (let i = 0; i < urls.length; i++) {
      const url = urls[(this.turn + i) % urls.length];
      const res = await this.o.http.text("POST", `${url}/oceanpayment/notice`, { body, headers: { "content-type": "application/xml" }, timeoutMs: 10_000 }).catch(() => undefined);
      if (!res) continue;
      this.turn++;
      this.sent[forgery.kind]++;
      if (res.status !== 200 || res.body !== "receive-ok") this.notReceiveOk++;
      const target = this.targets.get(orderNumber) ?? { kinds: new Set<AttackKind>(), statuses: new Set<string>() };
      target.kinds.add(forgery.kind);
      target.statuses.add(status);
      this.targets.set(orderNumber, target);
      return;
    }
    this.postFailures++;
  }

  /** 21 digits, like the spec's sample payment_id: an attempt the gateway never made. */
  private madeUpPaymentId(): string {
    return `9${Array.from({ length: 20 }, () => Math.floor(this.o.random() * 10)).join("")}`;
  }
}

/** The harness's check (it knows the demo secureCode; the attacker does not): the document's signValue is the gateway's. */
export function isGenuine(fields: DocumentFields, secureCode = terminal.secureCode): boolean {
  const expected = createHash("sha256").update(signedString(fields) + secureCode, "utf8").digest("hex");
  return (fields.signValue ?? "").toLowerCase() === expected;
}
