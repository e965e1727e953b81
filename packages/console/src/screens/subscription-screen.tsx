import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { DeadLetter, Delivery, Subscription, TestDelivery } from "../api/types.js";
import { useConsole } from "../context.js";
import { formatTime } from "../format.js";
import { Link, href } from "../router.js";
import { useLoad } from "../ui/use-load.js";
import { DataTable, ErrorBox, EventCell, Loading, SecretOnce } from "../ui/widgets.js";

interface Outcome {
  message?: string;
  secret?: string;
  error?: unknown;
}

/** One subscription: enable or disable, rotate its secret, send the test event, its delivery log and dead letters (replay). */
export function SubscriptionScreen({ id }: { id: string }): JSX.Element {
  const { api, timeZone } = useConsole();
  const path = `/v1/subscriptions/${encodeURIComponent(id)}`;
  const data = useLoad(id, async (signal) => {
    const [subscription, deliveries, deadLetters] = await Promise.all([
      api.call<Subscription>("notifier", path, { signal }),
      api.call<{ deliveries: Delivery[] }>("notifier", `${path}/deliveries`, { query: { limit: 100 }, signal }),
      api.call<{ deadLetters: DeadLetter[] }>("notifier", `${path}/dead-letters`, { query: { limit: 100 }, signal }),
    ]);
    return { subscription, deliveries: deliveries.deliveries, deadLetters: deadLetters.deadLetters };
  });
  const [outcome, setOutcome] = useState<Outcome>({});
  /** A button's action: its outcome (or the API's error) shown under the buttons, then the page reloaded. */
  const act = (run: () => Promise<Outcome>) => () => {
    setOutcome({});
    void run()
      .then(setOutcome, (error: unknown) => setOutcome({ error }))
      .finally(data.reload);
  };
  const post = <T,>(suffix: string, body: unknown = {}) => api.call<T>("notifier", `${path}${suffix}`, { method: "POST", body });

  const sub = data.data?.subscription;
  return (
    <>
      <p>
        <Link href={href("/webhooks")}>← Webhooks</Link>
      </p>
      <h1 tabIndex={-1}>Subscription {sub?.description || id}</h1>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !data.data} />
      {sub && data.data && (
        <>
          <dl class="summary">
            <dt>URL</dt>
            <dd>{sub.url}</dd>
            <dt>Events</dt>
            <dd>{sub.events.join(", ")}</dd>
            <dt>Stores</dt>
            <dd>{sub.storeIds?.join(", ") ?? "all"}</dd>
            <dt>State</dt>
            <dd>{sub.enabled ? "enabled" : "disabled"}</dd>
          </dl>
          <div class="actions" role="group" aria-label="Subscription actions">
            <button type="button" onClick={act(async () => (await api.call("notifier", path, { method: "PATCH", body: { enabled: !sub.enabled } }), { message: sub.enabled ? "Disabled." : "Enabled." }))}>
              {sub.enabled ? "Disable" : "Enable"}
            </button>
            <button
              type="button"
              onClick={act(async () => {
                const r = await post<TestDelivery>("/test");
                return { message: r.delivered ? `Test event ${r.eventId} delivered (${r.statusCode}, ${r.latencyMs} ms).` : `Test event ${r.eventId} not delivered: ${r.error ?? `status ${r.statusCode}`}.` };
              })}
            >
              Send test event
            </button>
            <button
              type="button"
              onClick={act(async () => {
                const r = await post<Subscription>("/rotate-secret");
                return { message: `Secret rotated; the previous one keeps signing until ${formatTime(r.previousSecretExpiresAt, timeZone)}.`, ...(r.secret ? { secret: r.secret } : {}) };
              })}
            >
              Rotate secret
            </button>
          </div>
          <div aria-live="polite">
            {outcome.message && (
              <p role="status" class="ok">
                {outcome.message}
              </p>
            )}
            {outcome.secret && <SecretOnce secret={outcome.secret} />}
            <ErrorBox error={outcome.error} />
          </div>

          <section aria-labelledby="dead-heading">
            <h2 id="dead-heading">Dead letters</h2>
            {data.data.deadLetters.length === 0 ? (
              <p>None.</p>
            ) : (
              <>
                <button type="button" onClick={act(async () => ({ message: `${(await post<{ replayed: number }>("/dead-letters/replay")).replayed} dead letter(s) queued for delivery again.` }))}>
                  Replay all dead letters
                </button>
                <DataTable label="Dead letters" columns={["Event", "Attempts", "Last answer", "Dead since", "Action"]}>
                    {data.data.deadLetters.map((d) => (
                      <tr key={d.eventId}>
                        <EventCell type={d.type} id={d.eventId} />
                        <td>{d.attempts}</td>
                        <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
                        <td>{formatTime(d.at, timeZone)}</td>
                        <td>
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`Replay ${d.eventId}`}
                            onClick={act(async () => (await post(`/dead-letters/${encodeURIComponent(d.eventId)}/replay`), { message: `${d.eventId} queued for delivery again.` }))}
                          >
                            Replay
                          </button>
                        </td>
                      </tr>
                    ))}
                  </DataTable>
              </>
            )}
          </section>

          <section aria-labelledby="log-heading">
            <h2 id="log-heading">Delivery log</h2>
            <button type="button" class="secondary" onClick={() => data.reload()}>
              Refresh
            </button>
            {data.data.deliveries.length === 0 ? (
              <p>No delivery yet.</p>
            ) : (
              <DataTable label="Delivery log" columns={["At", "Event", "Attempt", "Outcome", "Answer", { label: "Latency", numeric: true }, "Next try"]}>
                  {data.data.deliveries.map((d) => (
                    <tr key={`${d.eventId}/${d.attempt}/${d.at}`}>
                      <td>{formatTime(d.at, timeZone)}</td>
                      <EventCell type={d.type} id={d.eventId} />
                      <td>{d.attempt}</td>
                      <td>{d.outcome.replace(/_/g, " ")}</td>
                      <td>{d.statusCode ?? d.error ?? "—"}</td>
                      <td class="num">{d.latencyMs === null ? "—" : `${d.latencyMs} ms`}</td>
                      <td>{formatTime(d.nextTryAt, timeZone)}</td>
                    </tr>
                  ))}
                </DataTable>
            )}
          </section>
        </>
      )}
    </>
  );
}
