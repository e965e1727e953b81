import { ApiError, InvalidRequestError } from "../http/api-error.js";
import { OrderNumber, type Payment, type PaymentRef, type PaymentStore } from "../payments/index.js";
import type { Refund } from "../refunds/index.js";
import type { Store, StoreRegistry } from "../stores/index.js";

/** A payment as the archive holds it (its latest version), with its refunds, oldest first. */
export interface ArchivedPayment {
  payment: Payment;
  refunds: Refund[];
}

/** The archive's payments that have left Redis (PostgreSQL). */
export interface PaymentArchiveReader {
  /** The store's newest archived payment with this order number. */
  find(storeId: string, orderNumber: string): Promise<ArchivedPayment | undefined>;
  /** The newest archived payment with this order number of every store that has one. */
  findEveryStore(orderNumber: string): Promise<ArchivedPayment[]>;
}

// The newest payment of the number (an order number comes back only after its payment left
// Redis: the newest is the one a POS means), with the refunds created after it (its own).
const select = (distinct: string, where: string, order: string) => `
SELECT ${distinct} p.resource::text AS payment,
       coalesce((SELECT json_agg(r.resource ORDER BY r.created_at, r.refund_number)::text FROM refunds r
                 WHERE r.store_id = p.store_id AND r.order_number = p.order_number AND r.created_at >= p.created_at), '[]') AS refunds
FROM payments p WHERE ${where} ORDER BY ${order}`;

/**
 * The reads of a {@link PaymentArchiveReader} on the ledger's `payments` and `refunds` tables
 * (the intake's archive and the ledger's review run them on their own pools): `byStore` takes
 * $1 store id and $2 order number, `byNumber` $1 order number; each row is read by
 * {@link archivedPaymentOf}.
 */
export const archivedPaymentSql = {
  byStore: select("", "p.store_id = $1 AND p.order_number = $2", "p.created_at DESC LIMIT 1"),
  byNumber: select("DISTINCT ON (p.store_id)", "p.order_number = $1", "p.store_id, p.created_at DESC"),
} as const;

/** A row of {@link archivedPaymentSql}. */
export function archivedPaymentOf(row: { payment: string; refunds: string }): ArchivedPayment {
  return { payment: JSON.parse(row.payment) as Payment, refunds: JSON.parse(row.refunds) as Refund[] };
}

/** Where a service looks a payment up. */
export interface PaymentLookup {
  stores: StoreRegistry;
  payments: Pick<PaymentStore, "get">;
  /** Payments that have left Redis; absent: none are looked up (a 404, as before any left). */
  archive?: PaymentArchiveReader | undefined;
  /** Each Redis read goes through this (the intake: a Redis failure here is a 503 that changed nothing). */
  read?: <T>(reading: Promise<T>) => Promise<T>;
}

/** A payment found for a caller: in Redis, or (`archivedRefunds` set) only in the archive. */
export interface FoundPayment {
  ref: PaymentRef;
  payment: Payment;
  /** Present when the payment has left Redis: its refunds as archived. */
  archivedRefunds?: Refund[];
}

/** The payment a `/v1/payments/{orderNumber}…` call is about, with its store. */
export interface PaymentTarget extends FoundPayment {
  store: Store;
}

/** An operator call whose order number exists on several Oceanpayment accounts: `?storeId=` says which. */
export class AmbiguousOrderNumberError extends ApiError {
  constructor(orderNumber: string) {
    super(409, "ambiguous_order_number", `orderNumber ${orderNumber} is used on several Oceanpayment accounts; name the store with ?storeId=`);
  }
}

const notFound = (message: string) => new ApiError(404, "not_found", message);
const reading = <T>(lookup: PaymentLookup, read: Promise<T>): Promise<T> => (lookup.read ? lookup.read(read) : read);

/** The payment's key: order numbers are unique per Oceanpayment account, shared by its stores. */
export function refOf(store: Store, orderNumber: string): PaymentRef {
  return { account: store.oceanpayment.account, orderNumber };
}

/**
 * The store's own payment, or 404. Another store's payment (same account) is reported exactly
 * like a missing one, so a store cannot even learn that an order number is in use elsewhere.
 * One that has left Redis is read from the archive.
 */
export async function storePayment(lookup: PaymentLookup, store: Store, orderNumber: unknown): Promise<FoundPayment> {
  const parsed = OrderNumber.safeParse(orderNumber);
  // Only a well-formed order number is repeated back; anything else came from the URL as is.
  if (!parsed.success) throw notFound("no payment with this orderNumber for this store");
  const ref = refOf(store, parsed.data);
  const payment = await reading(lookup, lookup.payments.get(ref));
  if (payment?.storeId === store.id) return { ref, payment };
  // In Redis for another store of the account: that number is not this store's now.
  const archived = payment === undefined ? await lookup.archive?.find(store.id, parsed.data) : undefined;
  if (!archived) throw notFound(`no payment with orderNumber ${parsed.data} for this store`);
  return { ref, payment: archived.payment, archivedRefunds: archived.refunds };
}

/**
 * The payment an operator names, any store's: `storeId` names the store, else the order number is
 * looked up on every configured Oceanpayment account (order numbers are unique per account), and
 * found on several it is `409 ambiguous_order_number`; in no account's Redis, the archive's newest
 * with this number of a configured store.
 */
export async function operatorPayment(lookup: PaymentLookup, storeId: string | undefined, orderNumber: unknown): Promise<PaymentTarget> {
  const { stores } = lookup;
  if (storeId !== undefined) {
    const store = stores.byStoreId(storeId);
    if (!store) throw new InvalidRequestError([{ path: "storeId", message: "is not a configured store" }], { part: "query" });
    return { store, ...(await storePayment(lookup, store, orderNumber)) };
  }
  const parsed = OrderNumber.safeParse(orderNumber);
  if (!parsed.success) throw notFound("no payment with this orderNumber");
  const accounts = [...new Set(stores.all.map((s) => s.oceanpayment.account))];
  const found = (await reading(lookup, Promise.all(accounts.map((account) => lookup.payments.get({ account, orderNumber: parsed.data }))))).filter(
    (p): p is Payment => p !== undefined,
  );
  if (found.length > 1) throw new AmbiguousOrderNumberError(parsed.data);
  const payment = found[0];
  if (payment === undefined) return archivedTarget(lookup, parsed.data);
  const store = stores.byStoreId(payment.storeId);
  if (!store) throw notFound(`no payment with orderNumber ${parsed.data}`);
  return { store, ref: refOf(store, parsed.data), payment };
}

async function archivedTarget(lookup: PaymentLookup, orderNumber: string): Promise<PaymentTarget> {
  const archived = (await lookup.archive?.findEveryStore(orderNumber)) ?? [];
  const found = archived.flatMap((a) => {
    const store = lookup.stores.byStoreId(a.payment.storeId);
    return store ? [{ store, ...a }] : [];
  });
  if (new Set(found.map((f) => f.store.oceanpayment.account)).size > 1) throw new AmbiguousOrderNumberError(orderNumber);
  const newest = found.sort((a, b) => (a.payment.createdAt < b.payment.createdAt ? 1 : -1))[0];
  if (!newest) throw notFound(`no payment with orderNumber ${orderNumber}`);
  return { store: newest.store, ref: refOf(newest.store, orderNumber), payment: newest.payment, archivedRefunds: newest.refunds };
}
