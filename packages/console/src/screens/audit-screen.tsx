import type { JSX } from "preact";
import { type AuditEntry, paymentOfTarget } from "../api/operations.js";
import { useConsole } from "../context.js";
import { formatTime } from "../format.js";
import { Link, type Location, href } from "../router.js";
import { useLoad } from "../ui/use-load.js";
import { DataTable, ErrorBox, Loading } from "../ui/widgets.js";

const pageSize = 50;

/** An action's name in words. */
const actions: Readonly<Record<string, string>> = {
  "payment.query": "asked the gateway",
  "payment.resolve": "resolved a payment",
  "refund.create": "refunded",
  "refund.resolve": "resolved a refund",
  "subscription.create": "created a subscription",
  "subscription.update": "changed a subscription",
  "subscription.delete": "deleted a subscription",
  "subscription.rotate_secret": "rotated a subscription's secret",
  "webhook.replay": "replayed webhooks",
  "reconciliation.run": "ran a reconciliation",
  "queue.job_change": "changed a queue's job",
};

/**
 * The audit log of operator actions (the ledger's `GET /v1/audit`), oldest first, a page at a
 * time by `after` (kept in the address, so Back returns to the page before). Roles admin and finance.
 */
export function AuditScreen({ location }: { location: Location }): JSX.Element {
  const { api, timeZone } = useConsole();
  const after = location.query.get("after") ?? undefined;
  const page = useLoad(`${after}`, (signal) => api.call<{ data: AuditEntry[]; next: string | null }>("ledger", "/v1/audit", { query: { after, limit: pageSize }, signal }));

  return (
    <>
      <h1 tabIndex={-1}>Audit</h1>
      <p>Every operator action, oldest first: who, with which role, when (in {timeZone}), what, on what, and why.</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => page.reload()}>
          Refresh
        </button>
      </div>
      <ErrorBox error={page.error} />
      <Loading when={page.loading && !page.data} />
      {page.data && (
        <>
          <DataTable label="Operator actions" columns={["When", "Who", "Role", "Action", "Target", "Reason", "Details"]}>
            {page.data.data.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at, timeZone)}</td>
                <td>{e.operator}</td>
                <td>{e.role}</td>
                <td>
                  {actions[e.action] ?? e.action}
                  <br />
                  <code class="muted">{e.action}</code>
                </td>
                <td>
                  <Target target={e.target} />
                </td>
                <td>{e.reason ?? "—"}</td>
                <td>
                  {e.details
                    ? Object.entries(e.details)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join("; ")
                    : "—"}
                </td>
              </tr>
            ))}
          </DataTable>
          {page.data.data.length === 0 && <p>{after ? "No later action." : "No operator action yet."}</p>}
          <nav class="pager" aria-label="Pages">
            {after && <Link href={href("/audit")}>First page</Link>}
            {page.data.next && <Link href={href("/audit", { after: page.data.next })}>Next page</Link>}
          </nav>
        </>
      )}
    </>
  );
}

/** A payment's or a refund's target links to the payment's page; any other is shown as it is. */
function Target({ target }: { target: string }): JSX.Element {
  const payment = paymentOfTarget(target);
  if (!payment) return <code>{target}</code>;
  const link = <Link href={href(`/payments/${encodeURIComponent(payment.orderNumber)}`, { storeId: payment.storeId })}>{payment.orderNumber}</Link>;
  return (
    <>
      {payment.refundNumber ? (
        <>
          refund {payment.refundNumber} of payment {link}
        </>
      ) : (
        <>payment {link}</>
      )}
      <br />
      <span class="muted">store {payment.storeId}</span>
    </>
  );
}
