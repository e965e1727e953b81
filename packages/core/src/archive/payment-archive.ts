import pg from "pg";
import type { Logger } from "../logger/index.js";
import type { Payment } from "../payments/index.js";
import type { Refund } from "../refunds/index.js";

/** A payment as the archive holds it (its latest version), with its refunds, oldest first. */
export interface ArchivedPayment {
  payment: Payment;
  refunds: Refund[];
}

export interface PaymentArchiveOptions {
  /** `DATABASE_URL`. */
  url: string;
  /** `DATABASE_POOL_SIZE`. */
  max: number;
  logger: Logger;
  /** `application_name` of its connections (`oceanpos-intake`, `oceanpos-notifier`). */
  applicationName: string;
  /** What a read throws when PostgreSQL cannot answer (an API's 503); default `ArchiveUnavailableError`. */
  unavailable?: (cause: unknown) => Error;
}

/** A read of the archive failed: PostgreSQL did not answer (or answered an error). */
export class ArchiveUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the archive of past payments (PostgreSQL) is unreachable", { cause });
    this.name = "ArchiveUnavailableError";
  }
}

// The newest payment of the number (an order number comes back only after its payment left
// Redis: the newest is the one a POS means), with the refunds created after it (its own).
const select = (distinct: string, where: string, order: string) => `
SELECT ${distinct} p.resource::text AS payment,
       coalesce((SELECT json_agg(r.resource ORDER BY r.created_at, r.refund_number)::text FROM refunds r
                 WHERE r.store_id = p.store_id AND r.order_number = p.order_number AND r.created_at >= p.created_at), '[]') AS refunds
FROM payments p WHERE ${where} ORDER BY ${order}`;
const byStore = select("", "p.store_id = $1 AND p.order_number = $2", "p.created_at DESC LIMIT 1");
const byNumber = select("DISTINCT ON (p.store_id)", "p.order_number = $1", "p.store_id, p.created_at DESC");

/** PostgreSQL errors that mean "nothing archived here yet": no such database or table (no ledger ran). */
const nothingArchived = new Set(["3D000", "42P01"]);

/**
 * A read of the archive (the ledger's `payments` and `refunds` tables) for payments that have
 * left Redis, only asked when Redis has no such payment: the intake's reads and refunds of such a
 * payment, the notifier's risk notices about one. Its own small pool: a PostgreSQL that cannot be
 * reached makes only these reads fail (`unavailable`); nothing else of a service depends on it.
 */
export class PaymentArchive {
  private readonly pool: pg.Pool;
  private readonly unavailable: (cause: unknown) => Error;
  private ended: Promise<void> | undefined;

  constructor(options: PaymentArchiveOptions) {
    this.unavailable = options.unavailable ?? ((cause) => new ArchiveUnavailableError(cause));
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max,
      // A POS waits on this: a PostgreSQL that does not answer is a quick 503, not a hung read.
      connectionTimeoutMillis: 2_000,
      statement_timeout: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName,
    });
    this.pool.on("error", (err) => options.logger.warn({ err: err.message }, "archive connection error"));
  }

  /** The store's newest archived payment with this order number. */
  async find(storeId: string, orderNumber: string): Promise<ArchivedPayment | undefined> {
    return (await this.query(byStore, [storeId, orderNumber]))[0];
  }

  /** The newest archived payment with this order number of every store that has one. */
  findEveryStore(orderNumber: string): Promise<ArchivedPayment[]> {
    return this.query(byNumber, [orderNumber]);
  }

  /** Safe to call twice. */
  close(): Promise<void> {
    return (this.ended ??= this.pool.end());
  }

  private async query(text: string, values: string[]): Promise<ArchivedPayment[]> {
    try {
      const { rows } = await this.pool.query<{ payment: string; refunds: string }>(text, values);
      return rows.map((row) => ({ payment: JSON.parse(row.payment) as Payment, refunds: JSON.parse(row.refunds) as Refund[] }));
    } catch (err) {
      if (nothingArchived.has((err as { code?: string }).code ?? "")) return [];
      throw this.unavailable(err);
    }
  }
}
