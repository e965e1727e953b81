import { ApiCallError, type ApiClient, type Service } from "./api-client.js";

/**
 * What an operator's role allows, learnt from the APIs themselves: there is no "who am I" route,
 * so each right is probed once per sign-in with a call the API refuses before it does anything.
 * Every service checks the role before it reads the body, so a call with an empty body answers
 * `403 forbidden` to a role without the right and `400` (the missing fields) to one with it;
 * nothing is changed or audited. Roles: admin everything; support query and resolve; finance
 * runs reconciliations (docs/api.md).
 */
export type Right = "payments.query" | "payments.resolve" | "reconciliations.run";

const probes: Record<Right, { service: Service; path: string }> = {
  // Not an order number (a "."), so never a real payment: a query, which has no body to refuse, answers `404` unlooked-up.
  "payments.query": { service: "intake", path: "/v1/payments/role.probe/query" },
  "payments.resolve": { service: "intake", path: "/v1/payments/role.probe/resolve" },
  "reconciliations.run": { service: "ledger", path: "/v1/reconciliations" },
};

const known = new WeakMap<ApiClient, Map<Right, Promise<boolean>>>();

/** Whether the signed-in operator may do `right`; false when the answer is anything but a refusal of the request itself. */
export function may(api: ApiClient, right: Right): Promise<boolean> {
  let rights = known.get(api);
  if (!rights) known.set(api, (rights = new Map()));
  let answer = rights.get(right);
  if (!answer) {
    const { service, path } = probes[right];
    answer = api.call(service, path, { method: "POST", body: {} }).then(
      () => false,
      (err: unknown) => err instanceof ApiCallError && (err.status === 400 || err.status === 404),
    );
    rights.set(right, answer);
  }
  return answer;
}
