import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiCallError, ApiClient } from "../api/api-client.js";
import type { Session } from "../session.js";
import { ErrorBox } from "../ui/widgets.js";

/**
 * The token is checked against the ledger (any valid token reads payments), then against the
 * notifier's operator-only subscriptions: an operator token gets the whole console, a store key
 * its own store's payments, read-only.
 */
async function signIn(token: string): Promise<Session> {
  const api = new ApiClient(token);
  await api.call("ledger", "/v1/payments", { query: { limit: 1 } });
  try {
    await api.call("notifier", "/v1/subscriptions");
    return { token, kind: "operator" };
  } catch (err) {
    if (err instanceof ApiCallError && (err.status === 401 || err.status === 403)) return { token, kind: "store" };
    throw err;
  }
}

export function LoginScreen({ onSignedIn }: { onSignedIn: (session: Session) => void }): JSX.Element {
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1 tabIndex={-1}>oceanpos console</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">Operator token or store API key</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p class="muted">Kept for this browser tab only. A store key opens that store's payments, read-only.</p>
        <button type="submit" disabled={busy || token.trim() === ""}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
