import type { EventLog } from "@oceanpos/core/events";
import { StreamEventSchema } from "@oceanpos/core/events";
import { ApiError, type Caller, InvalidRequestError, namedResponse, parseOrThrow, rawResponse } from "@oceanpos/core/http";
import { type StreamEvent, streamIdOf } from "@oceanpos/core/payments";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator } from "../http/auth.js";
import type { EventStreamHub } from "../events/event-stream-hub.js";
import type { StreamTokens } from "../events/stream-tokens.js";
import { ErrorBody, EventId, errorResponses, openApiSchemas } from "../http/openapi.js";

export interface EventRoutesOptions {
  auth: Authenticator;
  eventLog: EventLog;
  hub: EventStreamHub;
  tokens: StreamTokens;
}

const PageQuery = z.object({
  after: EventId.optional().describe("The last event id already read (a page's `next`)"),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1, "must be 1-500").max(500, "must be 1-500").default(100),
});
/** The stream's query: its parameters are documented from here, so a new one is added here. */
const StreamQuery = z.object({
  lastEventId: EventId.optional().describe("Resume after this event (for clients that cannot send Last-Event-ID)"),
  token: z.string().optional().describe("A stream token (POST /v1/events/stream-tokens), for clients that cannot send Authorization"),
});
const StreamHeaders = z.object({ "last-event-id": z.string().optional().describe("Resume after this event (EventSource sends it when reconnecting)") });
const StreamToken = z
  .object({
    token: z.string().describe("sst_…; pass it as ?token= to GET /v1/events/stream"),
    expiresAt: z.string().describe("ISO 8601; after it the token opens no new stream (open streams go on)"),
  })
  .describe("a short-lived credential for the live stream, with its issuer's reach");
const expiredToken = () => new ApiError(401, "unauthorized", "the stream token is unknown or expired: get a new one (POST /v1/events/stream-tokens)");

const EventPage = z.object({
  events: z.array(StreamEventSchema),
  next: z.string().nullable().describe("`after` for the next page; null on the last"),
});
openApiSchemas.add(StreamEventSchema, { id: "Event" });
openApiSchemas.add(EventPage, { id: "EventPage" });
openApiSchemas.add(StreamToken, { id: "StreamToken" });

const eventRoutesDoc = { tags: ["events"], security: [{ operatorToken: [] }, { storeKey: [] }] as Record<string, string[]>[] };
const eventErrors = { ...errorResponses, 404: namedResponse(ErrorBody, "not_found") } as const;

function filterFor(caller: Caller): (event: StreamEvent) => boolean {
  if (caller.kind === "operator") return () => true;
  return (event) => event.data.storeId === caller.storeId;
}

/**
 * `GET /v1/events` (paged log), `GET /v1/events/stream` (Server-Sent Events; the Authorization
 * header or `?token=`) and `POST /v1/events/stream-tokens` (the token a browser's EventSource uses).
 */
export function registerEventRoutes(app: FastifyInstance, o: EventRoutesOptions): void {
  const pageDoc = {
    schema: {
      ...eventRoutesDoc,
      operationId: "listEvents",
      summary: "Page through retained events",
      description: "Oldest first; a store key sees its store's events only.",
      querystring: PageQuery,
      response: { 200: namedResponse(EventPage, "One page of events"), ...eventErrors },
    },
  };
  // In a plugin, so that the OpenAPI document (registered before, loaded at ready) sees them.
  app.register(async (scope) => {
    scope.get("/v1/events", pageDoc, async (request, reply) => {
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

    const tokenDoc = {
      schema: {
        ...eventRoutesDoc,
        operationId: "createStreamToken",
        summary: "Get a stream token",
        description:
          "A short-lived token for `GET /v1/events/stream?token=`, for a browser's EventSource (which cannot send Authorization): a store key's token sees that store's events, the operator token's every store's. It opens streams until expiresAt (STREAM_TOKEN_TTL_MS).",
        response: { 201: namedResponse(StreamToken, "The token and when it stops opening streams"), ...errorResponses },
      },
    };
    scope.post("/v1/events/stream-tokens", tokenDoc, async (request, reply) => {
      const caller = o.auth.any(request, reply);
      if (!caller) return reply;
      const issued = await o.tokens.issue(caller);
      return reply.code(201).header("cache-control", "no-store").send(issued);
    });

    const streamDoc = {
      schema: {
        ...eventRoutesDoc,
        operationId: "streamEvents",
        summary: "Live event stream (Server-Sent Events)",
        description:
          "Each event is an SSE message: `id` the event id, `event` its type, `data` the event as JSON (the `Event` schema). " +
          "Resumable with `Last-Event-ID` (or `lastEventId`); a store key gets its store's events only. Credentials: the Authorization header, or ?token= from POST /v1/events/stream-tokens.",
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: { 200: rawResponse("text/event-stream, until the client goes away", { "text/event-stream": { schema: { type: "string" } } }), ...eventErrors },
      },
    };
    scope.get("/v1/events/stream", streamDoc, async (request: FastifyRequest, reply: FastifyReply) => {
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
    });
  });
}
