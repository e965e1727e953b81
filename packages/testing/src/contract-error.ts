import { expect } from "vitest";

/** What an attacker puts in a URL or a body to see it reflected: an error answer must never carry it back. */
export const reflectedMarker = "<svg onload=alert(1)>";

/** An answer as `app.inject()` gives it. */
export interface InjectedAnswer {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}

/**
 * Expects the contract's error shape (JSON, `{ error: { code, message } }` and nothing else) with
 * `status` and `code`, and nothing of the request reflected: not the marker, not a long path, not
 * a bad escape, not the framework's own error names.
 */
export function expectContractError(res: InjectedAnswer, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  for (const echoed of ["onload", "svg", "%ZZ", "xxxxxxxxxx", "statusCode", "FST_ERR"]) expect(res.body).not.toContain(echoed);
}

/** Where a service's router is tried: a route with a path parameter, and a prefix that has unknown routes. */
export interface RouterErrorRoutes {
  /** A route up to its path parameter, e.g. `/v1/payments/`. */
  paramRoute: string;
  /** What the parameter is, in the case names: `order number`, `subscription id`. */
  paramName: string;
  /** A prefix under which a marker is no route, e.g. `/v1/`. */
  unknownUnder: string;
}

/**
 * The router errors every HTTP service answers the same way, as `it.each` rows
 * `[name, url, status, code]`: a bad percent-escape in a path parameter (400), a 5,000-character
 * parameter and unknown path, and an unknown route (404).
 */
export function routerErrorCases(routes: RouterErrorRoutes): [string, string, number, string][] {
  return [
    ["a bad percent-escape in a path parameter", `${routes.paramRoute}%ZZ${encodeURIComponent(reflectedMarker)}`, 400, "invalid_request"],
    [`a 5,000-character ${routes.paramName}`, `${routes.paramRoute}${"x".repeat(5_000)}`, 404, "not_found"],
    ["a 5,000-character unknown path", `/${"x".repeat(5_000)}`, 404, "not_found"],
    ["an unknown route", `${routes.unknownUnder}${encodeURIComponent(reflectedMarker)}`, 404, "not_found"],
  ];
}
