import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type PaymentResolved, type RefundResolved, type Resolution, gatewayAnswers } from "../api/operations.js";
import { may } from "../api/permissions.js";
import type { HistoryEntry, Page, Payment, Refund } from "../api/types.js";
import { useConsole } from "../context.js";
import { formatAmount, formatTime } from "../format.js";
import { Link, href } from "../router.js";
import { useInterval, useLoad } from "../ui/use-load.js";
import { ErrorBox, Loading, StatusBadge, isFinal } from "../ui/widgets.js";

/** The ledger's lists are refreshed this often (they follow Redis by the ledger's drain). */
const pollMs = 5_000;

type Item = { kind: "payment"; key: string; resource: Payment } | { kind: "refund"; key: string; resource: Refund };

/** What an action on an item answered (from Redis): it is shown until the ledger's lists have caught up, and after. */
interface Outcome {
  item: Item;
  /** The answer in words. */
  said: string;
  resolution?: Resolution;
}

const paymentKey = (p: { storeId: string; orderNumber: string }) => `payment:${p.storeId}:${p.orderNumber}`;
const refundKey = (r: { storeId: string; orderNumber: string; refundNumber: string }) => `refund:${r.storeId}:${r.orderNumber}:${r.refundNumber}`;

/** Its last move to `needs_review`: when, and why. */
const lastReview = (history: HistoryEntry[]) => history.findLast((h) => h.status === "needs_review");

function resolutionInWords(r: Resolution, requested: string, reached: string): string {
  const who = r.decidedBy === "gateway" ? `The gateway's answer won (${requested} was asked)` : "Your decision was applied";
  return `${who}: now ${reached.replace(/_/g, " ")}. Asked once more, ${gatewayAnswers[r.gateway] ?? r.gateway}${r.voided ? "; the order was voided at the gateway first" : ""}.`;
}

/**
 * `needs_review` payments and refunds, oldest first, from the ledger; an operator whose role
 * allows it asks the gateway again or resolves with a reason. The ledger's lists follow Redis by
 * its drain, so what an action answered (read from Redis) is shown from the action's answer.
 */
export function NeedsAttentionScreen(): JSX.Element {
  const { api, timeZone } = useConsole();
  const lists = useLoad("needs-attention", async (signal) => {
    const query = { status: "needs_review", order: "asc", limit: 500 };
    const [payments, refunds] = await Promise.all([
      api.call<Page<Payment>>("ledger", "/v1/payments", { query, signal }),
      api.call<Page<Refund>>("ledger", "/v1/refunds", { query, signal }),
    ]);
    return { payments: payments.data, refunds: refunds.data, more: payments.nextCursor !== null || refunds.nextCursor !== null };
  });
  useInterval(true, pollMs, lists.reload);
  const rights = useLoad("rights", async () => ({ query: await may(api, "payments.query"), resolve: await may(api, "payments.resolve") }));
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const record = (outcome: Outcome) => {
    setOutcomes((o) => ({ ...o, [outcome.item.key]: outcome }));
    lists.reload();
  };

  // The ledger's items, each as an action answered it when that is newer (the higher version); then those the ledger no longer lists.
  const listed: Item[] = [
    ...(lists.data?.payments ?? []).map((p): Item => ({ kind: "payment", key: paymentKey(p), resource: p })),
    ...(lists.data?.refunds ?? []).map((r): Item => ({ kind: "refund", key: refundKey(r), resource: r })),
  ];
  const newer = (i: Item) => {
    const answered = outcomes[i.key]?.item;
    return answered && answered.resource.version > i.resource.version ? answered : i;
  };
  const items = [...listed.map(newer), ...Object.values(outcomes).filter((o) => !listed.some((i) => i.key === o.item.key)).map((o) => o.item)];
  items.sort((a, b) => a.resource.createdAt.localeCompare(b.resource.createdAt));
  const open = items.filter((i) => i.resource.status === "needs_review").length;

  return (
    <>
      <h1 tabIndex={-1}>Needs attention</h1>
      <p>
        Payments and refunds whose outcome could not be established after every retry and query, oldest first. Ask the gateway again, or
        resolve with a reason: the gateway is asked once more first, and its answer wins when it settles the order.
      </p>
      {rights.data && !rights.data.resolve && <p class="notice">Your role reads this list; resolving takes an admin or support operator.</p>}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => lists.reload()}>
          Refresh
        </button>
        <span class="muted" aria-live="polite">
          {lists.data ? `${open} in review` : ""}
        </span>
      </div>
      <ErrorBox error={lists.error} />
      <Loading when={lists.loading && !lists.data} />
      {lists.data && items.length === 0 && <p>Nothing needs attention.</p>}
      {lists.data?.more && <p class="muted">Only the oldest 500 payments and 500 refunds are shown.</p>}
      {items.map((item) => (
        <ReviewCard key={item.key} item={item} outcome={outcomes[item.key]} timeZone={timeZone} canQuery={rights.data?.query === true} canResolve={rights.data?.resolve === true} onOutcome={record} />
      ))}
    </>
  );
}

function ReviewCard(props: { item: Item; outcome: Outcome | undefined; timeZone: string; canQuery: boolean; canResolve: boolean; onOutcome: (o: Outcome) => void }): JSX.Element {
  const { item, outcome, timeZone } = props;
  const { api } = useConsole();
  const r = item.resource;
  const review = lastReview(r.history);
  const [status, setStatus] = useState<"" | "succeeded" | "failed">("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<"query" | "resolve">();
  const [error, setError] = useState<unknown>();
  const title = item.kind === "payment" ? `Payment ${r.orderNumber}` : `Refund ${item.resource.refundNumber} of payment ${r.orderNumber}`;
  const id = item.key.replace(/[^A-Za-z0-9_-]/g, "-");
  const path = `/v1/payments/${encodeURIComponent(r.orderNumber)}`;
  const query = { storeId: r.storeId };

  const run = async (what: "query" | "resolve", action: () => Promise<Outcome>) => {
    setBusy(what);
    setError(undefined);
    try {
      props.onOutcome(await action());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };
  const askAgain = () =>
    run("query", async () => {
      const payment = await api.call<Payment>("ledger", `${path}/query`, { method: "POST", query });
      const said =
        payment.status === "needs_review"
          ? `The gateway was asked: it does not settle the payment (${payment.gateway ? `${payment.gateway.code} ${payment.gateway.message}` : "no final answer"}); still needs review.`
          : `The gateway was asked: the payment is now ${payment.status.replace(/_/g, " ")}.`;
      return { item: { kind: "payment", key: item.key, resource: payment }, said };
    });
  const resolve = (e: Event) => {
    e.preventDefault();
    const body = { status, reason: reason.trim() };
    void run("resolve", async () => {
      if (item.kind === "payment") {
        const answer = await api.call<PaymentResolved>("ledger", `${path}/resolve`, { method: "POST", query, body });
        return { item: { kind: "payment", key: item.key, resource: answer.payment }, said: resolutionInWords(answer.resolution, status, answer.payment.status), resolution: answer.resolution };
      }
      const answer = await api.call<RefundResolved>("ledger", `${path}/refunds/${encodeURIComponent(item.resource.refundNumber)}/resolve`, { method: "POST", query, body });
      return { item: { kind: "refund", key: item.key, resource: answer.refund }, said: resolutionInWords(answer.resolution, status, answer.refund.status), resolution: answer.resolution };
    });
  };

  return (
    <article class="card" aria-labelledby={`${id}-title`} data-testid={item.key}>
      <h2 id={`${id}-title`}>
        {title} <StatusBadge status={r.status} />
      </h2>
      <dl class="summary">
        <dt>Amount</dt>
        <dd>{formatAmount(r.amount, r.currency)}</dd>
        <dt>Store</dt>
        <dd>{r.storeId}</dd>
        <dt>Created</dt>
        <dd>{formatTime(r.createdAt, timeZone)}</dd>
        <dt>In review since</dt>
        <dd>{formatTime(review?.at ?? r.updatedAt, timeZone)}</dd>
        <dt>Why</dt>
        <dd>{review?.reason ?? "—"}</dd>
        <dt>Gateway's last answer</dt>
        <dd>{r.gateway ? `${r.gateway.code} ${r.gateway.message}` : "—"}</dd>
      </dl>
      <p>
        <Link href={href(`/payments/${encodeURIComponent(r.orderNumber)}`, { storeId: r.storeId })}>Payment {r.orderNumber}: full history</Link>
      </p>
      {outcome && (
        <p role="status" class={isFinal(r.status) ? "ok" : undefined}>
          {outcome.said}
          {outcome.resolution?.message && (
            <>
              {" "}
              <span class="muted">History: “{outcome.resolution.message}”</span>
            </>
          )}
        </p>
      )}
      <ErrorBox error={error} />
      {r.status === "needs_review" && (props.canQuery || props.canResolve) && (
        <div class="review-actions">
          {item.kind === "payment" && props.canQuery && (
            <div class="actions">
              <button type="button" class="secondary" disabled={busy !== undefined} onClick={() => void askAgain()}>
                {busy === "query" ? "Asking the gateway…" : "Ask the gateway again"}
              </button>
            </div>
          )}
          {props.canResolve && (
            <form class="stack" onSubmit={resolve} aria-label={`Resolve ${title}`}>
              <fieldset>
                <legend>Resolve as</legend>
                {(["succeeded", "failed"] as const).map((s) => (
                  <label key={s} class="choice">
                    <input type="radio" name={`${id}-status`} value={s} required checked={status === s} onChange={() => setStatus(s)} /> {s}
                  </label>
                ))}
              </fieldset>
              <div>
                <label for={`${id}-reason`}>Reason (required; kept in the history and the audit log)</label>
                <input id={`${id}-reason`} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              </div>
              <button type="submit" disabled={busy !== undefined}>
                {busy === "resolve" ? "Resolving…" : "Resolve"}
              </button>
            </form>
          )}
        </div>
      )}
    </article>
  );
}
