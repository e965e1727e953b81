import { type ArchivedPayment, type PaymentArchiveReader, archivedPaymentOf, archivedPaymentSql } from "../review/index.js";
import pg from "pg";
import type { Logger } from "../logger/index.js";

export type PaymentArchiveOptions = (
  | {
      /** `DATABASE_URL`. */
      url: string;
      /** `DATABASE_POOL_SIZE`. */
      max: number;
      logger: Logger;
      /** `application_name` of its connections (`oceanpos-intake`, `oceanpos-notifier`). */
      applicationName: string;
    }
  /** A pool of the caller's (the ledger's own), neither configured nor closed here. */
  | { pool: pg.Pool }
) & {
  /** What a read throws when PostgreSQL cannot answer (an API's 503); default `ArchiveUnavailableError`. */
  unavailable?: (cause: unknown) => Error;
};

/** A read of the archive failed: PostgreSQL did not answer (or answered an error). */
export class ArchiveUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the archive of past payments (PostgreSQL) is unreachable", { cause });
    this.name = "ArchiveUnavailableError";
  }
}

/** PostgreSQL errors that mean "nothing archived here yet": no such database or table (no ledger ran). */
const nothingArchived = new Set(["3D000", "42P01"]);

/**
 * A read of the archive (the ledger's `payments` and `refunds` tables) for payments that have
 * left Redis, only asked when Redis has no such payment: the intake's reads and refunds of such a
 * payment, the notifier's risk notices about one. Its own small pool: a PostgreSQL that cannot be
 * reached makes only these reads fail (`unavailable`); nothing else of a service depends on it.
 */
export class PaymentArchive implements PaymentArchiveReader {
  private readonly pool: pg.Pool;
  private readonly ownPool: boolean;
  private readonly unavailable: (cause: unknown) => Error;
  private ended: Promise<void> | undefined;

  constructor(options: PaymentArchiveOptions) {
    this.unavailable = options.unavailable ?? ((cause) => new ArchiveUnavailableError(cause));
    this.ownPool = !("pool" in options);
    if ("pool" in options) {
      this.pool = options.pool;
      return;
    }
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
    return (await this.query(archivedPaymentSql.byStore, [storeId, orderNumber]))[0];
  }

  /** The newest archived payment with this order number of every store that has one. */
  findEveryStore(orderNumber: string): Promise<ArchivedPayment[]> {
    return this.query(archivedPaymentSql.byNumber, [orderNumber]);
  }

  /** Ends its own pool (not a caller's); safe to call twice. */
  close(): Promise<void> {
    return (this.ended ??= this.ownPool ? this.pool.end() : Promise.resolve());
  }

  private async query(text: string, values: string[]): Promise<ArchivedPayment[]> {
    try {
      const { rows } = await this.pool.query<{ payment: string; refunds: string }>(text, values);
      return rows.map(archivedPaymentOf);
    } catch (err) {
      if (nothingArchived.has((err as { code?: string }).code ?? "")) return [];
      throw this.unavailable(err);
    }
  }
}
