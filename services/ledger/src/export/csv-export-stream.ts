import { Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type Cursor from "pg-cursor";

export interface CsvExportStreamOptions {
  /** An open cursor whose rows are arrays of text, in `columns` order. */
  cursor: Cursor<string[]>;
  /** The header row. */
  columns: readonly string[];
  /** Rows fetched from PostgreSQL per round trip; default 1 000. */
  batchSize?: number;
  /** Rewrites a row in place before it is written. */
  mapRow?: (row: string[]) => void;
}

/**
 * A cursor as CSV text: one header row, then one chunk per batch of rows, written by
 * csv-stringify. It reads a batch only when the consumer wants more (the HTTP response drained),
 * keeping one batch fetched ahead, so memory holds two batches whatever the export's size.
 * Destroying it (the client hung up) closes the cursor.
 */
export class CsvExportStream extends Readable {
  /** Rows written so far. */
  rows = 0;
  private readonly o: Required<Omit<CsvExportStreamOptions, "mapRow">> & Pick<CsvExportStreamOptions, "mapRow">;
  private ahead: Promise<string[][]> | undefined;
  private headerWritten = false;

  constructor(options: CsvExportStreamOptions) {
    super();
    this.o = { batchSize: 1_000, ...options };
  }

  override _read(): void {
    const batch = this.ahead ?? this.o.cursor.read(this.o.batchSize);
    this.ahead = undefined;
    batch.then(
      (rows) => {
        if (this.destroyed) return;
        if (rows.length === 0) {
          if (!this.headerWritten) this.push(stringify([], { header: true, columns: [...this.o.columns] }));
          this.push(null);
          return;
        }
        // The next batch comes from PostgreSQL while this one is written and sent.
        if (rows.length === this.o.batchSize) {
          this.ahead = this.o.cursor.read(this.o.batchSize);
          this.ahead.catch(() => undefined);
        } else {
          this.ahead = Promise.resolve([]);
        }
        if (this.o.mapRow) for (const row of rows) this.o.mapRow(row);
        const text = stringify(rows, { header: !this.headerWritten, columns: [...this.o.columns] });
        this.headerWritten = true;
        this.rows += rows.length;
        this.push(text);
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.o.cursor.close(() => done(err));
  }
}
