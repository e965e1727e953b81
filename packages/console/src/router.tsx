import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";

/** The console lives under /console/; routes below are written without that base. */
export const base = "/console";

export interface Location {
  /** `/payments/NO-1` */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(base) ? window.location.pathname.slice(base.length) : window.location.pathname;
  return { path: path === "" ? "/" : path, query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((l) => l()));

export function href(path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  return `${base}${path}${q.size > 0 ? `?${q}` : ""}`;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  listeners.forEach((l) => l());
  // A new screen: its heading is where a keyboard or screen-reader user continues.
  queueMicrotask(() => document.querySelector<HTMLElement>("main h1")?.focus());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return location;
}

/** `/payments/:orderNumber` against `/payments/NO-1` → `{ orderNumber: "NO-1" }`, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? "";
    if (part.startsWith(":")) {
      if (!value) return undefined;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) return undefined;
  }
  return params;
}

/** An in-app link: a real `<a href>` (open in a new tab works), history navigation on a plain click. */
export function Link(props: { href: string; children: ComponentChildren; "aria-current"?: "page" | undefined }): JSX.Element {
  const { href: to, children } = props;
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} aria-current={props["aria-current"]} onClick={onClick}>
      {children}
    </a>
  );
}
