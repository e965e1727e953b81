import type { EventLog } from "@oceanpos/core/events";
import { ApiError, type Caller, InvalidRequestError, parseOrThrow } from "@oceanpos/core/http";
import { type StreamEvent, streamIdOf } from "@oceanpos/core/payments";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator } from "../http/auth.js";
import type { EventStreamHub } from "../events/event-stream-hub.js";
import type { StreamTokens } from "../events/stream-tokens.js";

export interface EventRoutesOptions {
  auth: Authenticator;
  eventLog: EventLog;
  hub: EventStreamHub;
  tokens: StreamTokens;
}

const EventId = z.string().refine((v) => streamIdOf(v) !== undefined, "must be an event id (evt_…)");
const PageQuery = z.object({
  after: EventId.optional(),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1, "must be 1-500").max(500, "must be 1-500").default(100),
});
const StreamQuery = z.object({
  lastEventId: EventId.optional().describe("resume after this event (browsers send the Last-Event-ID header themselves)"),
  token: z.string().optional().describe("a stream token (POST /v1/events/stream-tokens), for clients that cannot send Authorization"),
});
const StreamToken = z
  .object({
    token: z.string().describe("sst_…; pass it as ?token= to GET /v1/events/stream"),
    expiresAt: z.string().describe("ISO 8601; after it the token opens no new stream (open streams go on)"),
  })
  .describe("a short-lived credential for the live stream, with its issuer's reach");
const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(), requestId: z.string() }),
});
const expiredToken = () => new ApiError(401, "unauthorized", "the stream token is unknown or expired: get a new one (POST /v1/events/stream-tokens)");

function filterFor(caller: Caller): (event: StreamEvent) => boolean {
  if (caller.kind === "operator") return () => true;
  return (event) => event.data.storeId === caller.storeId;
}

/**
 * `GET /v1/events` (paged log), `GET /v1/events/stream` (Server-Sent Events; the Authorization
 * header or `?token=`) and `POST /v1/events/stream-tokens` (the token a browser's EventSource uses).
 */
export function registerEventRoutes(app: FastifyInstance, o: EventRoutesOptions): void {
  app.get("/v1/events", async (request, reply) => {
    const caller = o.auth.any(request, reply);
    if (!caller) return reply;
    const query = parseOrThrow(PageQuery, request.query, "query");
    const after = query.after ? streamIdOf(query.after) : undefined;
    const page = await o.eventLog.page(after, query.limit, filterFor(caller));
    return {
      events: page.events.map(({ event }) => event),
      // The last id read (even when filtered out) so paging skips what this caller may not see.
      next: page.more && page.cursor ? `evt_${page.cursor}` : null,
    };
  });

  app.post(
    "/v1/events/stream-tokens",
    {
      schema: {
        summary: "Get a stream token",
        description:
          "A short-lived token for `GET /v1/events/stream?token=`, for a browser's EventSource (which cannot send Authorization): a store key's token sees that store's events, the operator token's every store's. It opens streams until expiresAt (STREAM_TOKEN_TTL_MS).",
        tags: ["events"],
        response: { 201: StreamToken, 401: ErrorBody.describe("unauthorized") },
      },
    },
    async (request, reply) => {
      const caller = o.auth.any(request, reply);
      if (!caller) return reply;
      const issued = await o.tokens.issue(caller);
      return reply.code(201).header("cache-control", "no-store").send(issued);
    },
  );

  app.get(
    "/v1/events/stream",
    {
      schema: {
        summary: "Follow events live (Server-Sent Events)",
        description:
          "`id: <event id>`, `event: <type>`, `data: <event JSON>`; a `: ping` comment every SSE_HEARTBEAT_MS; `retry: 2000`. Resume with the Last-Event-ID header or ?lastEventId=. Credentials: the Authorization header, or ?token= from POST /v1/events/stream-tokens.",
        tags: ["events"],
        querystring: StreamQuery,
        response: {
          200: z.string().describe("text/event-stream"),
          400: ErrorBody.describe("invalid_request: a bad Last-Event-ID or parameter"),
          401: ErrorBody.describe("unauthorized: no valid token, or an unknown or expired stream token"),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { token } = request.query as { token?: unknown };
      const caller = typeof token === "string" ? await o.tokens.callerOf(token) : o.auth.any(request, reply);
      if (!caller) {
        if (typeof token === "string") throw expiredToken();
        return reply;
      }
      const query = parseOrThrow(StreamQuery, request.query, "query");
      const header = request.headers["last-event-id"];
      const lastEventId = (typeof header === "string" && header.trim() !== "" ? header.trim() : undefined) ?? query.lastEventId;
      const after = lastEventId === undefined ? undefined : streamIdOf(lastEventId);
      if (lastEventId !== undefined && after === undefined) {
        throw new InvalidRequestError([{ path: "Last-Event-ID", message: "must be an event id (evt_…)" }]);
      }
      reply.hijack();
      const raw = reply.raw;
      // What hooks set on the reply (CORS) goes out too: a hijacked reply writes its own head.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      // Reconnect after 2 s; the browser's EventSource sends Last-Event-ID by itself.
      raw.write("retry: 2000\n\n");
      await o.hub.add({ response: raw, filter: filterFor(caller), ...(after !== undefined ? { after } : {}) });
    },
  );
}
