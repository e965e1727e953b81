import { operatorActions, roleMay } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ReadAuth } from "../http/auth.js";
import { errorResponses } from "../http/schemas.js";

export interface MeRouteOptions {
  auth: ReadAuth;
}

const Me = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("operator"),
    name: z.string(),
    role: z.enum(["admin", "support", "finance"]),
    permissions: z.array(z.enum(operatorActions)).describe("What this role may do (the names of docs/api.md, \"Operators and roles\")"),
  }),
  z.object({ kind: z.literal("store"), storeId: z.string() }),
]);

/**
 * `GET /v1/me`: whose credentials these are and what they allow, so that a client (the console)
 * shows only the actions the caller may take instead of learning it from refusals. Read from the
 * same permission table every service checks; it reveals nothing the caller does not hold.
 */
export function registerMeRoute(app: FastifyInstance, options: MeRouteOptions): void {
  app.get(
    "/v1/me",
    {
      schema: {
        operationId: "getMe",
        summary: "Who the credentials belong to, and what they may do",
        description:
          "An operator token: the operator's name, role and the actions that role allows. A store key: its store. " +
          "A client uses it to offer only what the caller may do; every call is still checked on its own.",
        tags: ["operators"],
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request) => {
      const caller = options.auth.callerOf(request);
      if (caller.kind === "store") return { kind: "store" as const, storeId: caller.storeId };
      return { kind: "operator" as const, name: caller.name, role: caller.role, permissions: operatorActions.filter((a) => roleMay(caller.role, a)) };
    },
  );
}
