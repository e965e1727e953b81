import { Fragment, type JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiCallError } from "../api/api-client.js";
import { type Discrepancy, type ReconciliationRun, type TerminalResult, discrepancyActions, discrepancyKinds, extraFields } from "../api/operations.js";
import { may } from "../api/permissions.js";
import { useConsole } from "../context.js";
import { addDays, dayIn, formatAmount, formatTime, timeZones } from "../format.js";
import { Link, type Location, href, navigate } from "../router.js";
import { useInterval, useLoad } from "../ui/use-load.js";
import { DataTable, ErrorBox, Loading, StatusBadge } from "../ui/widgets.js";

/** Refreshed this often while a run is going on. */
const pollMs = 2_000;
/** The days shown unless the address says otherwise: this one and the six before. */
const defaultDays = 7;

const runKnown = ["id", "date", "timeZone", "status", "partial", "error", "requestedBy", "startedAt", "completedAt", "terminals"] as const;
const terminalKnown = ["account", "terminal", "matched", "discrepancies"] as const;
const discrepancyKnown = ["kind", "orderNumber", "paymentId", "ours", "theirs", "action"] as const;

/**
 * The ledger's reconciliation runs of a range of days (newest day first), per terminal: what
 * matched per currency and every discrepancy, with links to the payments; "Run again" for a day
 * and a form for any day, for the roles that may run one (admin, finance).
 */
export function ReconciliationScreen({ location }: { location: Location }): JSX.Element {
  const { api, timeZone } = useConsole();
  const to = location.query.get("to") ?? dayIn(timeZone);
  const from = location.query.get("from") ?? addDays(to, 1 - defaultDays);
  const [range, setRange] = useState({ from, to });
  // Back, a link or a run of another day changes the address: the form follows it.
  useEffect(() => setRange({ from, to }), [from, to]);
  const runs = useLoad(`${from}|${to}`, (signal) => api.call<{ data: ReconciliationRun[] }>("ledger", "/v1/reconciliations", { query: { from, to }, signal }));
  const running = runs.data?.data.some((r) => r.status === "running") ?? false;
  useInterval(running, pollMs, runs.reload);
  const canRun = useLoad("may-run", () => may(api, "reconciliations.run"));
  const [runDate, setRunDate] = useState(() => dayIn(timeZone));
  const [runZone, setRunZone] = useState("");
  const [started, setStarted] = useState<{ run: ReconciliationRun; already: boolean }>();
  const [error, setError] = useState<unknown>();
  const zones = useMemo(timeZones, []);

  const start = async (date: string, zone: string | undefined) => {
    setError(undefined);
    setStarted(undefined);
    try {
      const run = await api.call<ReconciliationRun>("ledger", "/v1/reconciliations", { method: "POST", body: { date, ...(zone ? { timeZone: zone } : {}) } });
      setStarted({ run, already: false });
    } catch (err) {
      // 409 answers the run in progress: shown as such, and followed like one just started.
      const run = err instanceof ApiCallError && err.code === "reconciliation_running" ? (err.body as { run?: ReconciliationRun } | undefined)?.run : undefined;
      if (run) setStarted({ run, already: true });
      else setError(err);
    }
    // The run's day may be outside the range shown: show its day.
    if (date < from || date > to) navigate(href("/reconciliation", { from: date, to: date }));
    else runs.reload();
  };

  return (
    <>
      <h1 tabIndex={-1}>Reconciliation</h1>
      <p>
        Each run compares one day with Oceanpayment's own list of successful orders, for every terminal. Today may be run; its run is
        partial.
      </p>
      <form
        class="filters"
        aria-label="Days shown"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href("/reconciliation", range));
        }}
      >
        <div>
          <label for="rec-from">From day</label>
          <input id="rec-from" type="date" required value={range.from} onInput={(e) => setRange({ ...range, from: e.currentTarget.value })} />
        </div>
        <div>
          <label for="rec-to">To day (inclusive)</label>
          <input id="rec-to" type="date" required value={range.to} onInput={(e) => setRange({ ...range, to: e.currentTarget.value })} />
        </div>
        <div class="actions">
          <button type="submit">Show runs</button>
          <button type="button" class="secondary" onClick={() => runs.reload()}>
            Refresh
          </button>
        </div>
      </form>

      {canRun.data && (
        <section aria-labelledby="run-heading" class="card">
          <h2 id="run-heading">Run a day</h2>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void start(runDate, runZone || undefined);
            }}
          >
            <div>
              <label for="run-date">Day</label>
              <input id="run-date" type="date" required value={runDate} onInput={(e) => setRunDate(e.currentTarget.value)} />
            </div>
            <div>
              <label for="run-zone">Day in time zone</label>
              <select id="run-zone" value={runZone} onChange={(e) => setRunZone(e.currentTarget.value)}>
                <option value="">the gateway's (default)</option>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </div>
            <div class="actions">
              <button type="submit">Run reconciliation</button>
            </div>
          </form>
        </section>
      )}
      {canRun.data === false && <p class="notice">Your role reads the runs; running one takes an admin or finance operator.</p>}
      {started && (
        <p role="status" class={started.already ? "notice" : "ok"}>
          {started.already
            ? `A reconciliation of ${started.run.date} (${started.run.timeZone}) is already running, started ${formatTime(started.run.startedAt, timeZone)} (${started.run.id}): it is followed below.`
            : `Reconciliation of ${started.run.date} (${started.run.timeZone}) started (${started.run.id}); it is followed below.`}
        </p>
      )}
      <ErrorBox error={error} />

      <ErrorBox error={runs.error} />
      <Loading when={runs.loading && !runs.data} />
      {runs.data && runs.data.data.length === 0 && (
        <p>
          No run from {from} to {to}.
        </p>
      )}
      {runs.data?.data.map((run) => (
        <RunCard key={run.id} run={run} timeZone={timeZone} canRun={canRun.data === true} onRunAgain={() => void start(run.date, run.timeZone)} />
      ))}
      {running && (
        <p class="muted" aria-live="polite">
          A run is going on: refreshed every 2 seconds.
        </p>
      )}
    </>
  );
}

function RunCard({ run, timeZone, canRun, onRunAgain }: { run: ReconciliationRun; timeZone: string; canRun: boolean; onRunAgain: () => void }): JSX.Element {
  const discrepancies = run.terminals.reduce((n, t) => n + (t.discrepancies?.length ?? 0), 0);
  const extras = extraFields(run, runKnown);
  return (
    <article class="card" aria-labelledby={`${run.id}-title`} data-testid={run.id}>
      <h2 id={`${run.id}-title`}>
        {run.date} ({run.timeZone}) <StatusBadge status={run.status} />
        {run.partial && <span class="badge">partial</span>}
      </h2>
      <dl class="summary">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code>, requested by {run.requestedBy ?? "—"}
        </dd>
        <dt>Started, completed</dt>
        <dd>
          {formatTime(run.startedAt, timeZone)}, {formatTime(run.completedAt, timeZone)}
        </dd>
        {run.status === "completed" && (
          <>
            <dt>Discrepancies</dt>
            <dd>{discrepancies === 0 ? "none: every charge matched" : discrepancies}</dd>
          </>
        )}
        {extras.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
      {run.status === "failed" && (
        <p role="alert" class="error">
          The run failed{run.error ? `: ${run.error}` : ""}. Nothing of that day is marked matched.
        </p>
      )}
      {run.terminals.map((t) => (
        <TerminalSection key={`${t.account}/${t.terminal}`} run={run} terminal={t} timeZone={timeZone} />
      ))}
      {canRun && run.status !== "running" && (
        <div class="actions">
          <button type="button" class="secondary" onClick={onRunAgain} aria-label={`Run again ${run.date} (${run.timeZone})`}>
            Run again
          </button>
        </div>
      )}
    </article>
  );
}

function TerminalSection({ run, terminal, timeZone }: { run: ReconciliationRun; terminal: TerminalResult; timeZone: string }): JSX.Element {
  const label = `terminal ${terminal.terminal} (account ${terminal.account})`;
  const extras = extraFields(terminal, terminalKnown);
  return (
    <section aria-label={`${run.date} ${label}`}>
      <h3>{label[0]?.toUpperCase() + label.slice(1)}</h3>
      {(terminal.matched ?? []).length === 0 ? (
        <p>Nothing matched.</p>
      ) : (
        <p>
          Matched:{" "}
          {terminal.matched.map((m, i) => (
            <span key={m.currency}>
              {i > 0 && "; "}
              {m.count} {m.count === 1 ? "charge" : "charges"}, {formatAmount(m.amount, m.currency)}
            </span>
          ))}
        </p>
      )}
      {(terminal.discrepancies ?? []).length > 0 && (
        <DataTable label={`Discrepancies of ${run.date}, ${label}`} columns={["Kind", "Order number", "Ours", "Theirs", "Details"]}>
          {terminal.discrepancies.map((d, i) => (
            <DiscrepancyRow key={`${d.kind}/${d.orderNumber}/${i}`} d={d} timeZone={timeZone} />
          ))}
        </DataTable>
      )}
      {extras.map(([k, v]) => (
        <p key={k} class="muted">
          {k}: {v}
        </p>
      ))}
    </section>
  );
}

function DiscrepancyRow({ d, timeZone }: { d: Discrepancy; timeZone: string }): JSX.Element {
  const storeId = d.ours?.storeId;
  const details = [
    d.paymentId ? `gateway payment id ${d.paymentId}` : undefined,
    d.action ? `${d.action.replace(/_/g, " ")}: ${discrepancyActions[d.action] ?? ""}`.replace(/: $/, "") : undefined,
    ...extraFields(d, discrepancyKnown).map(([k, v]) => `${k}: ${v}`),
  ].filter(Boolean);
  return (
    <tr>
      <td>
        <strong>{d.kind.replace(/_/g, " ")}</strong>
        <br />
        <span class="muted">{discrepancyKinds[d.kind] ?? "A kind this console does not describe yet"}</span>
      </td>
      <td>{d.orderNumber ? <Link href={href(`/payments/${encodeURIComponent(d.orderNumber)}`, { storeId })}>{d.orderNumber}</Link> : "—"}</td>
      <td>
        {d.ours ? (
          <>
            {d.ours.status && <StatusBadge status={d.ours.status} />} {d.ours.amount && d.ours.currency ? formatAmount(d.ours.amount, d.ours.currency) : ""}
            {d.ours.storeId && <br />}
            {d.ours.storeId && <span class="muted">store {d.ours.storeId}</span>}
            {d.ours.succeededAt && <br />}
            {d.ours.succeededAt && <span class="muted">succeeded {formatTime(d.ours.succeededAt, timeZone)}</span>}
          </>
        ) : (
          "no payment here"
        )}
      </td>
      <td>
        {d.theirs ? (
          <>
            {d.theirs.amount && d.theirs.currency ? formatAmount(d.theirs.amount, d.theirs.currency) : ""} {d.theirs.method ?? ""}
            {d.theirs.dateTime && <br />}
            {/* The gateway's own wall time, in its zone. */}
            {d.theirs.dateTime && <span class="muted">charged {d.theirs.dateTime} (gateway time)</span>}
          </>
        ) : (
          "no charge there"
        )}
      </td>
      <td>{details.length > 0 ? details.join("; ") : "—"}</td>
    </tr>
  );
}
