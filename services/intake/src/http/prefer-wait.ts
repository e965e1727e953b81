import { InvalidRequestError } from "@oceanpos/core/http";

/** The longest `Prefer: wait=N` the contract allows, in seconds. */
export const maxWaitSeconds = 30;

const waitMessage = `wait must be a whole number of seconds from 0 to ${maxWaitSeconds}, e.g. "Prefer: wait=10"`;

/**
 * The `wait` preference of a `Prefer` header (RFC 7240), in seconds, or undefined when absent.
 * Other preferences (`respond-async`, `return=…`) are ignored; a malformed or too long wait is a
 * 400, because silently ignoring it would leave a till hanging on the wrong assumption.
 */
export function parsePreferWait(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const preferences = (Array.isArray(header) ? header : [header]).flatMap((h) => h.split(","));
  let wait: number | undefined;
  for (const preference of preferences) {
    const [head = ""] = preference.split(";");
    const eq = head.indexOf("=");
    const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
    if (name !== "wait") continue;
    const raw = eq < 0 ? "" : head.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (!/^[0-9]{1,3}$/.test(raw) || Number(raw) > maxWaitSeconds || wait !== undefined) {
      throw new InvalidRequestError([{ path: "Prefer", message: waitMessage }], { message: "the Prefer header is not valid" });
    }
    wait = Number(raw);
  }
  return wait;
}
