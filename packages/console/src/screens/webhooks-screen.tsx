import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Subscription } from "../api/types.js";
import { useConsole } from "../context.js";
import { Link, href } from "../router.js";
import { useLoad } from "../ui/use-load.js";
import { DataTable, ErrorBox, Loading, SecretOnce } from "../ui/widgets.js";

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The notifier's subscriptions, and a new one (its secret shown once). */
export function WebhooksScreen(): JSX.Element {
  const { api } = useConsole();
  const subscriptions = useLoad("subscriptions", (signal) => api.call<{ subscriptions: Subscription[] }>("notifier", "/v1/subscriptions", { signal }));
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("payment.*, refund.*");
  const [storeIds, setStoreIds] = useState("");
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<Subscription>();
  const [error, setError] = useState<unknown>();

  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      const stores = list(storeIds);
      const subscription = await api.call<Subscription>("notifier", "/v1/subscriptions", {
        method: "POST",
        body: { url: url.trim(), events: list(events), ...(stores.length > 0 ? { storeIds: stores } : {}), ...(description.trim() ? { description: description.trim() } : {}) },
      });
      setCreated(subscription);
      setUrl("");
      setDescription("");
      subscriptions.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Webhooks</h1>
      <ErrorBox error={subscriptions.error} />
      <Loading when={subscriptions.loading && !subscriptions.data} />
      {subscriptions.data && (
        <DataTable label="Subscriptions" columns={["Subscription", "Events", "Stores", "State"]}>
            {subscriptions.data.subscriptions.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={href(`/webhooks/${encodeURIComponent(s.id)}`)}>{s.description || s.url}</Link>
                  <br />
                  <span class="muted">{s.url}</span>
                </td>
                <td>{s.events.join(", ")}</td>
                <td>{s.storeIds?.join(", ") ?? "all"}</td>
                <td>{s.enabled ? "enabled" : "disabled"}</td>
              </tr>
            ))}
          </DataTable>
      )}
      {subscriptions.data?.subscriptions.length === 0 && <p>No subscription yet.</p>}

      <section aria-labelledby="new-subscription" class="card">
        <h2 id="new-subscription">New subscription</h2>
        <form onSubmit={(e) => void create(e)} class="stack">
          <div>
            <label for="sub-url">Endpoint URL</label>
            <input id="sub-url" type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          </div>
          <div>
            <label for="sub-events">Events (comma-separated; patterns like payment.*)</label>
            <input id="sub-events" required value={events} onInput={(e) => setEvents(e.currentTarget.value)} />
          </div>
          <div>
            <label for="sub-stores">Stores (comma-separated; empty for every store)</label>
            <input id="sub-stores" value={storeIds} onInput={(e) => setStoreIds(e.currentTarget.value)} />
          </div>
          <div>
            <label for="sub-description">Description</label>
            <input id="sub-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </div>
          <button type="submit">Create subscription</button>
        </form>
        {created?.secret && <SecretOnce secret={created.secret} />}
        <ErrorBox error={error} />
      </section>
    </>
  );
}
