import type { Logger } from "@oceanpos/core/logger";
import { type ArchivedPayment, type PaymentArchiveReader, archivedPaymentOf, archivedPaymentSql } from "@oceanpos/core/review";
import pg from "pg";
import { UnavailableError } from "../errors.js";

export interface PaymentArchiveOptions {
  /** `DATABASE_URL`. */
  url: string;
  /** `DATABASE_POOL_SIZE`. */
  max: number;
  logger: Logger;
}

/** PostgreSQL errors that mean "nothing archived here yet": no such database or table (no ledger ran). */
const nothingArchived = new Set(["3D000", "42P01"]);

/**
 * The intake's read of the archive (the ledger's `payments` and `refunds` tables), for payments
 * that have left Redis: only asked when Redis has no such payment. A PostgreSQL that cannot be
 * reached makes these reads answer 503; nothing else of the intake depends on it.
 */
export class PaymentArchive implements PaymentArchiveReader {
  private readonly pool: pg.Pool;
  private ended: Promise<void> | undefined;

  constructor(options: PaymentArchiveOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max,
      // A POS waits on this: a PostgreSQL that does not answer is a quick 503, not a hung read.
      connectionTimeoutMillis: 2_000,
      statement_timeout: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: "oceanpos-intake",
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

  /** Safe to call twice. */
  close(): Promise<void> {
    return (this.ended ??= this.pool.end());
  }

  private async query(text: string, values: string[]): Promise<ArchivedPayment[]> {
    try {
      const { rows } = await this.pool.query<{ payment: string; refunds: string }>(text, values);
      return rows.map(archivedPaymentOf);
    } catch (err) {
      if (nothingArchived.has((err as { code?: string }).code ?? "")) return [];
      throw UnavailableError.unchanged("the archive of past payments (PostgreSQL) is unreachable", err);
    }
  }
}
