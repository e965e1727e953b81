import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type Page, type Payment, paymentMethods, paymentStatuses } from "../api/types.js";
import { useConsole } from "../context.js";
import { formatAmount, formatTime, nextDay, startOfDay } from "../format.js";
import { Link, type Location, href, navigate } from "../router.js";
import { useLoad } from "../ui/use-load.js";
import { LiveStatus, useLiveEvents } from "../ui/use-live-events.js";
import { DataTable, ErrorBox, Loading, StatusBadge } from "../ui/widgets.js";

const filterNames = ["orderNumber", "storeId", "status", "method", "from", "to"] as const;
type Filters = Record<(typeof filterNames)[number], string>;

const rowKey = (p: Payment) => `${p.storeId}/${p.orderNumber}/${p.createdAt}`;

interface LiveRows {
  base: Page<Payment>;
  /** Listed rows as the stream changed them, by {@link rowKey}. */
  changed: Record<string, Payment>;
  /** Payments the stream brought that the page did not list, newest first. */
  added: Payment[];
}

function shownRows(live: LiveRows | undefined, base: Page<Payment>): Payment[] {
  return live ? [...live.added, ...base.data.map((p) => live.changed[rowKey(p)] ?? p)] : base.data;
}

/** The rows with `payment` as an event (or a read after one) shows it: an older version changes nothing. */
function withPayment(live: LiveRows, payment: Payment, matches: (p: Payment) => boolean): LiveRows {
  const key = rowKey(payment);
  const added = live.added.find((a) => rowKey(a) === key);
  const listed = live.base.data.find((p) => rowKey(p) === key);
  const shown = added ?? (listed && (live.changed[key] ?? listed));
  if (!shown) return matches(payment) ? { ...live, added: [payment, ...live.added] } : live;
  if (shown.version > payment.version) return live;
  const next = { ...shown, ...payment };
  return added ? { ...live, added: live.added.map((a) => (rowKey(a) === key ? next : a)) } : { ...live, changed: { ...live.changed, [key]: next } };
}

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(filterNames.map((n) => [n, query.get(n) ?? ""])) as Filters;
}

/** The ledger's list: filters in the address (a search can be bookmarked, Back returns to the previous page), keyset paging by cursor. */
export function PaymentsScreen({ location }: { location: Location }): JSX.Element {
  const { api, timeZone, session } = useConsole();
  const applied = filtersOf(location.query);
  const cursor = location.query.get("cursor") ?? undefined;
  const [draft, setDraft] = useState<Filters>(applied);
  const key = `${location.query.toString()}|${timeZone}`;
  // Days in the chosen zone: from the first instant of `from` to the first of the day after `to`.
  const from = applied.from ? startOfDay(applied.from, timeZone) : undefined;
  const to = applied.to ? startOfDay(nextDay(applied.to), timeZone) : undefined;
  const list = useLoad(key, (signal) =>
    api.call<Page<Payment>>("ledger", "/v1/payments", {
      signal,
      query: { orderNumber: applied.orderNumber, storeId: applied.storeId, status: applied.status, method: applied.method, from, to, limit: 25, cursor },
    }),
  );
  // What the stream changed since the page was read: rows as their events left them, and new
  // payments that match the search (on the first page, where the newest are).
  const [live, setLive] = useState<LiveRows>();
  const rows = list.data ? shownRows(live?.base === list.data ? live : undefined, list.data) : [];
  const matches = (p: Payment) =>
    !cursor &&
    p.orderNumber.startsWith(applied.orderNumber) &&
    (!applied.storeId || p.storeId === applied.storeId) &&
    (!applied.status || p.status === applied.status) &&
    (!applied.method || p.method === applied.method) &&
    (!from || p.createdAt >= from) &&
    (!to || p.createdAt < to);
  const apply = (payment: Payment) => {
    const base = list.data;
    if (base) setLive((prev) => withPayment(prev?.base === base ? prev : { base, changed: {}, added: [] }, payment, matches));
  };
  // Payment events only: a refund changes no payment event, so the Refunded column is as of the last read.
  const stream = useLiveEvents((event) => {
    if (event.type.startsWith("payment.") && event.type !== "payment.risk_notice") apply(event.data as Payment);
  });
  const search = (e: Event) => {
    e.preventDefault();
    navigate(href("/payments", draft));
  };
  const field = (name: keyof Filters) => ({ id: `f-${name}`, name, value: draft[name], onInput: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: e.currentTarget.value }) });

  return (
    <>
      <h1 tabIndex={-1}>Payments</h1>
      <LiveStatus state={stream} fallback="Refresh to see changes." />
      <form class="filters" onSubmit={search} aria-label="Search payments">
        <div>
          <label for="f-orderNumber">Order number starts with</label>
          <input {...field("orderNumber")} pattern="[A-Za-z0-9_\-]{1,50}" title="1–50 letters, digits, _ or -" />
        </div>
        {session.kind === "operator" && (
          <div>
            <label for="f-storeId">Store</label>
            <input {...field("storeId")} />
          </div>
        )}
        <div>
          <label for="f-status">Status</label>
          <select {...field("status")}>
            <option value="">any</option>
            {paymentStatuses.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-method">Method</label>
          <select {...field("method")}>
            <option value="">any</option>
            {paymentMethods.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-from">Created from (day, {timeZone})</label>
          <input type="date" {...field("from")} />
        </div>
        <div>
          <label for="f-to">Created to (day, inclusive)</label>
          <input type="date" {...field("to")} />
        </div>
        <div class="actions">
          <button type="submit">Search</button>
          <button type="button" class="secondary" onClick={() => list.reload()}>
            Refresh
          </button>
        </div>
      </form>
      <ErrorBox error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && (
        <>
          <DataTable label="Payments found" columns={["Created", "Order number", "Store", "Method", "Status", { label: "Amount", numeric: true }, { label: "Refunded", numeric: true }]}>
              {rows.map((p) => (
                <tr key={rowKey(p)}>
                  <td>{formatTime(p.createdAt, timeZone)}</td>
                  <td>
                    <Link href={href(`/payments/${encodeURIComponent(p.orderNumber)}`, { storeId: p.storeId })}>{p.orderNumber}</Link>
                  </td>
                  <td>{p.storeId}</td>
                  <td>{p.method}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td class="num">{formatAmount(p.amount, p.currency)}</td>
                  <td class="num">{formatAmount(p.refundedAmount, p.currency)}</td>
                </tr>
              ))}
            </DataTable>
          {rows.length === 0 && <p>No payment matches.</p>}
          <nav class="pager" aria-label="Pages">
            {cursor && <Link href={href("/payments", applied)}>First page</Link>}
            {list.data.nextCursor && <Link href={href("/payments", { ...applied, cursor: list.data.nextCursor })}>Next page</Link>}
          </nav>
        </>
      )}
    </>
  );
}
