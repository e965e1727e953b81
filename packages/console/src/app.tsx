import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { ApiClient } from "./api/api-client.js";
import { Console } from "./context.js";
import { timeZones } from "./format.js";
import { Link, type Location, href, match, navigate, useLocation } from "./router.js";
import { AuditScreen } from "./screens/audit-screen.js";
import { LoginScreen } from "./screens/login-screen.js";
import { NeedsAttentionScreen } from "./screens/needs-attention-screen.js";
import { PaymentDetailScreen } from "./screens/payment-detail-screen.js";
import { PaymentsScreen } from "./screens/payments-screen.js";
import { ReconciliationScreen } from "./screens/reconciliation-screen.js";
import { SubscriptionScreen } from "./screens/subscription-screen.js";
import { WebhooksScreen } from "./screens/webhooks-screen.js";
import { type Session, loadSession, loadTimeZone, saveSession, saveTimeZone } from "./session.js";

interface Route {
  pattern: string;
  /** Its entry in the navigation, for top-level screens. */
  nav?: string;
  /** Needs an operator token (a store key's view is read-only payments). */
  operator?: boolean;
  render: (params: Record<string, string>, location: Location) => JSX.Element;
}

/** Every screen: a new one is a route here (and its nav entry). */
const routes: Route[] = [
  { pattern: "/payments", nav: "Payments", render: (_p, location) => <PaymentsScreen location={location} /> },
  { pattern: "/payments/:orderNumber", render: (p, location) => <PaymentDetailScreen orderNumber={p.orderNumber ?? ""} location={location} /> },
  { pattern: "/needs-attention", nav: "Needs attention", operator: true, render: () => <NeedsAttentionScreen /> },
  { pattern: "/reconciliation", nav: "Reconciliation", operator: true, render: (_p, location) => <ReconciliationScreen location={location} /> },
  { pattern: "/webhooks", nav: "Webhooks", operator: true, render: () => <WebhooksScreen /> },
  { pattern: "/webhooks/:id", operator: true, render: (p) => <SubscriptionScreen id={p.id ?? ""} /> },
  { pattern: "/audit", nav: "Audit", operator: true, render: (_p, location) => <AuditScreen location={location} /> },
];

export function App(): JSX.Element {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [timeZone, setTimeZone] = useState(loadTimeZone);
  const location = useLocation();
  const context = useMemo(() => (session ? { api: new ApiClient(session.token), session, timeZone } : undefined), [session, timeZone]);
  const zones = useMemo(timeZones, []);

  if (!session || !context) {
    return (
      <LoginScreen
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
          if (location.path === "/" || location.path === "/login") navigate(href("/payments"), { replace: true });
        }}
      />
    );
  }
  const visible = routes.filter((r) => !r.operator || session.kind === "operator");
  let screen: JSX.Element | undefined;
  let active: string | undefined;
  for (const route of visible) {
    const params = match(route.pattern, location.path);
    if (params) {
      screen = route.render(params, location);
      active = `/${route.pattern.split("/")[1]}`;
      break;
    }
  }
  if (!screen && (location.path === "/" || location.path === "/login")) {
    navigate(href("/payments"), { replace: true });
  }
  const signOut = () => {
    saveSession(undefined);
    setSession(undefined);
  };

  return (
    <Console.Provider value={context}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">oceanpos console</span>
        <nav aria-label="Screens">
          <ul>
            {visible
              .filter((r) => r.nav)
              .map((r) => (
                <li key={r.pattern}>
                  <Link href={href(r.pattern)} aria-current={active === r.pattern ? "page" : undefined}>
                    {r.nav}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div class="session">
          <label for="time-zone">Time zone</label>
          <select
            id="time-zone"
            value={timeZone}
            onChange={(e) => {
              saveTimeZone(e.currentTarget.value);
              setTimeZone(e.currentTarget.value);
            }}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          <span class="muted">{session.kind === "operator" ? "operator" : "store (read-only)"}</span>
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{screen ?? <NotFound />}</main>
    </Console.Provider>
  );
}

function NotFound(): JSX.Element {
  return (
    <>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        No such screen. <Link href={href("/payments")}>Payments</Link>
      </p>
    </>
  );
}
