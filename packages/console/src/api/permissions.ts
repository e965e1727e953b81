import type { ApiClient } from "./api-client.js";

/** The actions the console offers or hides (core's operator-permissions table names them). */
export type Right = "payments.query" | "payments.resolve" | "reconciliations.run";

/** `GET /v1/me` of the ledger: whose token this is and what it allows. */
type Me = { kind: "operator"; name: string; role: string; permissions: string[] } | { kind: "store"; storeId: string };

const known = new WeakMap<ApiClient, Promise<ReadonlySet<string>>>();

/**
 * Whether the signed-in caller may do `right`, from the ledger's `GET /v1/me`, asked once per
 * sign-in. Only what to offer: every call is still checked by its service, which answers 403.
 * When the question itself fails, nothing is offered.
 */
export function may(api: ApiClient, right: Right): Promise<boolean> {
  let permissions = known.get(api);
  if (!permissions) {
    permissions = api.call<Me>("ledger", "/v1/me").then(
      (me) => new Set(me.kind === "operator" ? me.permissions : []),
      () => new Set<string>(),
    );
    known.set(api, permissions);
  }
  return permissions.then((set) => set.has(right));
}
