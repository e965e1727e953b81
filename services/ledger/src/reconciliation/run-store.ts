import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { ReconciliationRun, TerminalResult } from "./run.js";

interface RunRow {
  id: string;
  date: string;
  time_zone: string;
  status: ReconciliationRun["status"];
  partial: boolean;
  error: string | null;
  requested_by: string;
  started_at: Date;
  completed_at: Date | null;
  terminals: TerminalResult[];
}

const runColumns = "id, to_char(date, 'YYYY-MM-DD') AS date, time_zone, status, partial, error, requested_by, started_at, completed_at, terminals";

function runOf(row: RunRow): ReconciliationRun {
  return {
    id: row.id,
    date: row.date,
    timeZone: row.time_zone,
    status: row.status,
    partial: row.partial,
    ...(row.error === null ? {} : { error: row.error }),
    requestedBy: row.requested_by,
    startedAt: row.started_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    terminals: row.terminals,
  };
}

export type StartResult = { started: true; run: ReconciliationRun } | { started: false; running: ReconciliationRun | undefined };

/**
 * The `reconciliation_runs` table. Starting a run is one INSERT guarded by two partial unique
 * indexes: one running run per day and zone (a second start gets the running one: 409), and one
 * scheduled run per day and zone across every ledger (the others' INSERT does nothing).
 */
export class RunStore {
  constructor(
    private readonly pool: pg.Pool,
    /** A running run not renewed for this long belongs to a ledger that stopped: it is failed. */
    private readonly staleAfterMs: number,
  ) {}

  async start(input: { date: string; timeZone: string; partial: boolean; requestedBy: string }): Promise<StartResult> {
    await this.failStale();
    const { rows } = await this.pool.query<RunRow>(
      `INSERT INTO reconciliation_runs (id, date, time_zone, status, partial, requested_by)
       VALUES ($1, $2, $3, 'running', $4, $5)
       ON CONFLICT DO NOTHING
       RETURNING ${runColumns}`,
      [`rec_${randomUUID()}`, input.date, input.timeZone, input.partial, input.requestedBy],
    );
    if (rows[0]) return { started: true, run: runOf(rows[0]) };
    const running = await this.pool.query<RunRow>(`SELECT ${runColumns} FROM reconciliation_runs WHERE date = $1 AND time_zone = $2 AND status = 'running'`, [
      input.date,
      input.timeZone,
    ]);
    return { started: false, running: running.rows[0] ? runOf(running.rows[0]) : undefined };
  }

  /** Whether the schedule already started a run for this day and zone (on any ledger). */
  async scheduled(date: string, timeZone: string): Promise<boolean> {
    const { rowCount } = await this.pool.query("SELECT 1 FROM reconciliation_runs WHERE date = $1 AND time_zone = $2 AND requested_by = 'schedule'", [date, timeZone]);
    return (rowCount ?? 0) > 0;
  }

  async heartbeat(id: string): Promise<void> {
    await this.pool.query("UPDATE reconciliation_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'", [id]);
  }

  async complete(id: string, terminals: readonly TerminalResult[]): Promise<ReconciliationRun> {
    return this.finish(id, "completed", null, terminals);
  }

  /** Nothing of a failed run is kept as matched: its terminals are empty. */
  async fail(id: string, error: string): Promise<ReconciliationRun> {
    return this.finish(id, "failed", error, []);
  }

  async get(id: string): Promise<ReconciliationRun | undefined> {
    const { rows } = await this.pool.query<RunRow>(`SELECT ${runColumns} FROM reconciliation_runs WHERE id = $1`, [id]);
    return rows[0] ? runOf(rows[0]) : undefined;
  }

  /** Runs of the days `from`…`to` (both included), newest day first, newest run first within a day. */
  async list(from: string, to: string): Promise<ReconciliationRun[]> {
    const { rows } = await this.pool.query<RunRow>(`SELECT ${runColumns} FROM reconciliation_runs WHERE date BETWEEN $1 AND $2 ORDER BY date DESC, started_at DESC LIMIT 1000`, [from, to]);
    return rows.map(runOf);
  }

  /**
   * The latest completed run of a whole day (metrics and alerts): a run of today (`partial`) sees
   * charges the gateway has not listed yet, and must not page anyone.
   */
  async lastCompleted(): Promise<{ completedAt: Date; terminals: TerminalResult[] } | undefined> {
    const { rows } = await this.pool.query<{ completed_at: Date; terminals: TerminalResult[] }>(
      "SELECT completed_at, terminals FROM reconciliation_runs WHERE status = 'completed' AND NOT partial ORDER BY completed_at DESC LIMIT 1",
    );
    return rows[0] ? { completedAt: rows[0].completed_at, terminals: rows[0].terminals } : undefined;
  }

  private async finish(id: string, status: "completed" | "failed", error: string | null, terminals: readonly TerminalResult[]): Promise<ReconciliationRun> {
    const { rows } = await this.pool.query<RunRow>(
      `UPDATE reconciliation_runs SET status = $2, error = $3, terminals = $4, completed_at = now()
       WHERE id = $1 AND status = 'running' RETURNING ${runColumns}`,
      [id, status, error, JSON.stringify(terminals)],
    );
    if (!rows[0]) throw new Error(`reconciliation run ${id} is no longer running (failed as stale by another ledger?)`);
    return runOf(rows[0]);
  }

  private async failStale(): Promise<void> {
    await this.pool.query(
      `UPDATE reconciliation_runs SET status = 'failed', completed_at = now(), terminals = '[]',
         error = 'the ledger running it stopped before it finished'
       WHERE status = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'`,
      [this.staleAfterMs],
    );
  }
}
