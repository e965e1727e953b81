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

/** A column heading; numeric columns are right-aligned. */
export type Column = string | { label: string; numeric: true };

/** A table with its column headings, scrolling on its own on a narrow screen (a focusable, labelled region). */
export function DataTable({ label, columns, children }: { label: string; columns: readonly Column[]; children: ComponentChildren }): JSX.Element {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === "string" ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.label} scope="col" class="num">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** An event in a table: its type, and its id to quote. */
export function EventCell({ type, id }: { type: string; id: string }): JSX.Element {
  return (
    <td>
      {type}
      <br />
      <code class="muted">{id}</code>
    </td>
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
