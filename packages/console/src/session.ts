import { browserTimeZone } from "./format.js";

/**
 * Who is signed in. The token lives in this tab's sessionStorage only: closing the tab signs out,
 * and another tab asks again. An operator token sees everything; a store key its own store, read-only.
 */
export interface Session {
  token: string;
  kind: "operator" | "store";
}

const sessionKey = "oceanpos.console.session";
const timeZoneKey = "oceanpos.console.timeZone";

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(sessionKey);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<Session>;
    return typeof parsed.token === "string" && (parsed.kind === "operator" || parsed.kind === "store") ? { token: parsed.token, kind: parsed.kind } : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(sessionKey, JSON.stringify(session));
  else sessionStorage.removeItem(sessionKey);
}

/** The zone times are shown in: the one chosen in this browser, else the browser's own. Not a secret, so kept across tabs. */
export function loadTimeZone(): string {
  return localStorage.getItem(timeZoneKey) ?? browserTimeZone();
}

export function saveTimeZone(timeZone: string): void {
  localStorage.setItem(timeZoneKey, timeZone);
}
