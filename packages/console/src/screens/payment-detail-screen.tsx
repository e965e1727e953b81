import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type EventDeliveries, paymentEvents } from "../api/payment-events.js";
import type { HistoryEntry, Page, Payment, Refund } from "../api/types.js";
import { useConsole } from "../context.js";
import { formatAmount, formatTime } from "../format.js";
import { Link, type Location, href } from "../router.js";
import { useInterval, useLoad } from "../ui/use-load.js";
import { LiveStatus, useLiveEvents } from "../ui/use-live-events.js";
import { DataTable, ErrorBox, EventCell, Loading, StatusBadge, isFinal } from "../ui/widgets.js";
import { RefundForm } from "./refund-form.js";

/** Refreshed this often while the payment or one of its refunds can still change and the live stream is not connected. */
const pollMs = 2_000;

interface Detail {
  payment: Payment;
  refunds: Refund[];
}

/** While the archive has not yet drained what an event announced, it is read again this much later (at most `catchUpTries` times per event). */
const catchUpMs = 250;
const catchUpTries = 40;

/** Whether the archive's read lacks a version an event announced (`payment`, or `refund:<number>`). */
function behind(d: Detail, announced: Record<string, number>): boolean {
  return Object.entries(announced).some(([what, version]) => {
    const archived = what === "payment" ? d.payment.version : d.refunds.find((r) => `refund:${r.refundNumber}` === what)?.version;
    return (archived ?? 0) < version;
  });
}

/**
 * One payment as the ledger archived it (the full history), its refunds, and, for an operator,
 * the webhooks each of its events produced. An order number used again after the retention
 * period is another payment: the newest one is shown. While the live stream is connected, each
 * event of the payment or its refunds has the archive read again (until it shows what the event
 * announced: the ledger drains it a moment after the notifier sees it); otherwise the archive is
 * read every 2 seconds while something can change.
 */
export function PaymentDetailScreen({ orderNumber, location }: { orderNumber: string; location: Location }): JSX.Element {
  const { api, session, timeZone } = useConsole();
  const storeId = location.query.get("storeId") ?? undefined;
  const detail = useLoad(`${orderNumber}|${storeId}`, async (signal): Promise<Detail | undefined> => {
    const query = { orderNumber, storeId, limit: 500 };
    const [payments, refunds] = await Promise.all([
      api.call<Page<Payment>>("ledger", "/v1/payments", { query, signal }),
      api.call<Page<Refund>>("ledger", "/v1/refunds", { query: { ...query, order: "asc" }, signal }),
    ]);
    const payment = payments.data.find((p) => p.orderNumber === orderNumber);
    if (!payment) return undefined;
    return { payment, refunds: refunds.data.filter((r) => r.orderNumber === orderNumber && r.storeId === payment.storeId && r.createdAt >= payment.createdAt) };
  });
  const data = detail.data;
  // What the events of this payment announced, and how often the archive was read since without showing it.
  const announced = useRef<{ versions: Record<string, number>; tries: number }>({ versions: {}, tries: 0 });
  const stream = useLiveEvents((event) => {
    const { orderNumber: number, storeId: store, refundNumber } = event.data;
    if (!data || number !== data.payment.orderNumber || store !== data.payment.storeId) return;
    const what = event.type.startsWith("refund.") ? `refund:${refundNumber}` : "payment";
    const { versions } = announced.current;
    versions[what] = Math.max(versions[what] ?? 0, event.data.version ?? 0);
    announced.current.tries = 0;
    detail.reload();
  });
  useEffect(() => {
    announced.current = { versions: {}, tries: 0 };
  }, [orderNumber, storeId]);
  useEffect(() => {
    if (!data || detail.loading || !behind(data, announced.current.versions) || announced.current.tries++ >= catchUpTries) return;
    const timer = setTimeout(detail.reload, catchUpMs);
    return () => clearTimeout(timer);
  }, [data, detail.loading]);
  // Refunds made here that the archive has not shown yet: the ledger drains them within moments.
  const [submitted, setSubmitted] = useState<string[]>([]);
  const open =
    data !== undefined &&
    (!isFinal(data.payment.status) || data.refunds.some((r) => !isFinal(r.status)) || submitted.some((n) => !data.refunds.some((r) => r.refundNumber === n)));
  useInterval(open && stream !== "live", pollMs, detail.reload);
  const lastChange = data ? [data.payment.updatedAt, ...data.refunds.map((r) => r.updatedAt)].sort().at(-1) ?? data.payment.updatedAt : "";
  const webhooks = useLoad(`${orderNumber}|${storeId}|${lastChange}|${session.kind}`, async (signal) =>
    data && session.kind === "operator" ? paymentEvents(api, data.payment, lastChange, signal) : undefined,
  );

  return (
    <>
      <p>
        <Link href={href("/payments")}>← Payments</Link>
      </p>
      <h1 tabIndex={-1}>Payment {orderNumber}</h1>
      <LiveStatus state={stream} fallback={open ? "Refreshed every 2 seconds meanwhile." : undefined} />
      <ErrorBox error={detail.error} />
      <Loading when={detail.loading && !data} />
      {!detail.loading && !detail.error && !data && <p>No payment {orderNumber} in the archive{storeId ? ` of store ${storeId}` : ""}.</p>}
      {data && (
        <>
          {paymentSummary(data.payment)}
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">History</h2>
            {historyTable(data.payment.history, "Payment history")}
          </section>
          {refundsSection(data.refunds)}
          {session.kind === "operator" && data.payment.status === "succeeded" && <RefundForm
              payment={data.payment}
              onRefunded={(refund) => {
                setSubmitted((numbers) => [...numbers, refund.refundNumber]);
                // Live, its own events bring it (refund.accepted at once).
                if (stream !== "live") detail.reload();
              }}
            />}
          {session.kind === "operator" && (
            <section aria-labelledby="webhooks-heading">
              <h2 id="webhooks-heading">Webhooks of its events</h2>
              <ErrorBox error={webhooks.error} />
              <Loading when={webhooks.loading && !webhooks.data} />
              {webhooks.data && eventWebhooks(webhooks.data.events)}
              {webhooks.data && !webhooks.data.complete && <p class="muted">Only the first events after the payment's creation were searched.</p>}
            </section>
          )}
        </>
      )}
      {data && <p class="muted">{open ? "Still changing." : "Final."}</p>}
    </>
  );

  // Render helpers (not components: nothing remounts on each refresh).
  function paymentSummary(payment: Payment): JSX.Element {
    return (
      <dl class="summary">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={payment.status} /> (version {payment.version})
        </dd>
        <dt>Amount</dt>
        <dd>{formatAmount(payment.amount, payment.currency)}</dd>
        <dt>Refunded</dt>
        <dd data-testid="refunded">{formatAmount(payment.refundedAmount, payment.currency)}</dd>
        <dt>Store</dt>
        <dd>{payment.storeId}</dd>
        <dt>Method, mode</dt>
        <dd>
          {payment.method}, {payment.mode.replace(/_/g, " ")}
        </dd>
        <dt>Gateway payment id</dt>
        <dd>{payment.paymentId ?? "—"}</dd>
        <dt>Gateway answer</dt>
        <dd>{payment.gateway ? `${payment.gateway.code} ${payment.gateway.message}` : "—"}</dd>
        <dt>Created</dt>
        <dd>{formatTime(payment.createdAt, timeZone)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(payment.updatedAt, timeZone)}</dd>
        {payment.notes && (
          <>
            <dt>Notes</dt>
            <dd>{payment.notes}</dd>
          </>
        )}
      </dl>
    );
  }

  function historyTable(history: HistoryEntry[], label: string): JSX.Element {
    return (
      <DataTable label={label} columns={["At", "Status", "Source", "Gateway code", "Details"]}>
          {history.map((h, i) => (
            <tr key={i}>
              <td>{formatTime(h.at, timeZone)}</td>
              <td>
                <StatusBadge status={h.status} />
              </td>
              <td>{h.operator ? `${h.source} (${h.operator})` : h.source}</td>
              <td>{h.code ?? "—"}</td>
              <td>{[h.reason, h.paymentId ? `payment id ${h.paymentId}` : undefined].filter(Boolean).join("; ") || "—"}</td>
            </tr>
          ))}
        </DataTable>
    );
  }

  function refundsSection(refunds: Refund[]): JSX.Element {
    return (
      <section aria-labelledby="refunds-heading">
        <h2 id="refunds-heading">Refunds</h2>
        {refunds.length === 0 ? (
          <p>None.</p>
        ) : (
          <DataTable label="Refunds" columns={["Refund number", "Created", { label: "Amount", numeric: true }, "Status", "Gateway", "Reason"]}>
              {refunds.map((r) => (
                <tr key={r.refundNumber} data-testid={`refund-${r.refundNumber}`}>
                  <td>{r.refundNumber}</td>
                  <td>{formatTime(r.createdAt, timeZone)}</td>
                  <td class="num">{formatAmount(r.amount, r.currency)}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.gateway ? `${r.gateway.code} ${r.gateway.message}` : (r.refundId ?? "—")}</td>
                  <td>{r.reason ?? "—"}</td>
                </tr>
              ))}
            </DataTable>
        )}
      </section>
    );
  }

  function eventWebhooks(events: EventDeliveries[]): JSX.Element {
    if (events.length === 0) return <p>No event of this payment is in the notifier's log.</p>;
    return (
      <DataTable label="Webhook deliveries per event" columns={["Event", "Subscription", "Attempt", "Outcome", "Status code", "At"]}>
          {events.flatMap(({ event, deliveries }) =>
            deliveries.length === 0
              ? [
                  <tr key={event.id}>
                    <EventCell type={event.type} id={event.id} />
                    <td colSpan={5}>no subscription received it</td>
                  </tr>,
                ]
              : deliveries.flatMap(({ subscription, attempts }) =>
                  attempts.map((a) => (
                    <tr key={`${event.id}/${subscription.id}/${a.attempt}/${a.at}`}>
                      <EventCell type={event.type} id={event.id} />
                      <td>
                        <Link href={href(`/webhooks/${encodeURIComponent(subscription.id)}`)}>{subscription.description || subscription.url}</Link>
                      </td>
                      <td>{a.attempt}</td>
                      <td>{a.outcome.replace(/_/g, " ")}</td>
                      <td>{a.statusCode ?? a.error ?? "—"}</td>
                      <td>{formatTime(a.at, timeZone)}</td>
                    </tr>
                  )),
                ),
          )}
        </DataTable>
    );
  }
}
