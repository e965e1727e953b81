import type { ComponentChildren, JSX } from "preact";
import { ApiCallError } from "../api/api-client.js";

/** An API error as the API said it: message, code, every field issue, the request id to quote. */
export function ErrorBox({ error }: { error: unknown }): JSX.Element | null {
  if (!error) return null;
  if (!(error instanceof ApiCallError)) return <p role="alert" class="error">{(error as Error).message ?? String(error)}</p>;
  return (
    <div role="alert" class="error">
      <p>
        <strong>{error.message}</strong> <span class="muted">({error.code}{error.status ? `, ${error.status}` : ""})</span>
      </p>
      {error.issues.length > 0 && (
        <ul>
          {error.issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {Object.entries(error.details).map(([k, v]) => (
        <p key={k} class="muted">
          {k}: {typeof v === "string" ? v : JSON.stringify(v)}
        </p>
      ))}
      {error.requestId && <p class="muted">Request-Id: {error.requestId}</p>}
    </div>
  );
}

const finalStatuses = new Set(["succeeded", "failed", "voided"]);
export const isFinal = (status: string): boolean => finalStatuses.has(status);

export function StatusBadge({ status }: { status: string }): JSX.Element {
  return <span class={`badge badge-${status}`}>{status.replace(/_/g, " ")}</span>;
}

/** A wide table that scrolls on its own on a narrow screen, reachable by keyboard. */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }): JSX.Element {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </div>
  );
}

export function Loading({ when }: { when: boolean }): JSX.Element | null {
  return when ? <p class="muted" aria-live="polite">Loading…</p> : null;
}

/** A secret shown once (a new or rotated webhook secret), with the warning that it will not be shown again. */
export function SecretOnce({ secret }: { secret: string }): JSX.Element {
  return (
    <div class="notice" role="status">
      <p>
        Signing secret (shown this once; store it now): <code class="secret">{secret}</code>
      </p>
    </div>
  );
}
