import type { EventLog } from "@oceanpos/core/events";
import { StreamEventSchema } from "@oceanpos/core/events";
import { type Caller, InvalidRequestError, namedResponse, parseOrThrow, rawResponse } from "@oceanpos/core/http";
import { type PaymentEvent, streamIdOf } from "@oceanpos/core/payments";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator } from "../http/auth.js";
import type { EventStreamHub } from "../events/event-stream-hub.js";
import { ErrorBody, errorResponses, openApiSchemas } from "../http/openapi.js";

export interface EventRoutesOptions {
  auth: Authenticator;
  eventLog: EventLog;
  hub: EventStreamHub;
}

const EventId = z.string().refine((v) => streamIdOf(v) !== undefined, "must be an event id (evt_…)");
const PageQuery = z.object({
  after: EventId.optional().describe("The last event id already read (a page's `next`)"),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1, "must be 1-500").max(500, "must be 1-500").default(100),
});
/** The stream's query: its parameters are documented from here, so a new one is added here. */
const StreamQuery = z.object({ lastEventId: EventId.optional().describe("Resume after this event (for clients that cannot send Last-Event-ID)") });
const StreamHeaders = z.object({ "last-event-id": z.string().optional().describe("Resume after this event (EventSource sends it when reconnecting)") });

const EventPage = z.object({
  events: z.array(StreamEventSchema),
  next: z.string().nullable().describe("`after` for the next page; null on the last"),
});
openApiSchemas.add(StreamEventSchema, { id: "Event" });
openApiSchemas.add(EventPage, { id: "EventPage" });

const eventRoutesDoc = { tags: ["events"], security: [{ operatorToken: [] }, { storeKey: [] }] as Record<string, string[]>[] };
const eventErrors = { ...errorResponses, 404: namedResponse(ErrorBody, "not_found") } as const;

function filterFor(caller: Caller): (event: PaymentEvent) => boolean {
  if (caller.kind === "operator") return () => true;
  return (event) => event.data.storeId === caller.storeId;
}

/** `GET /v1/events` (paged log) and `GET /v1/events/stream` (Server-Sent Events). */
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

    const streamDoc = {
      schema: {
        ...eventRoutesDoc,
        operationId: "streamEvents",
        summary: "Live event stream (Server-Sent Events)",
        description:
          "Each event is an SSE message: `id` the event id, `event` its type, `data` the event as JSON (the `Event` schema). " +
          "Resumable with `Last-Event-ID` (or `lastEventId`); a store key gets its store's events only.",
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: { 200: rawResponse("text/event-stream, until the client goes away", { "text/event-stream": { schema: { type: "string" } } }), ...eventErrors },
      },
    };
    scope.get("/v1/events/stream", streamDoc, async (request: FastifyRequest, reply: FastifyReply) => {
      const caller = o.auth.any(request, reply);
      if (!caller) return reply;
      const query = parseOrThrow(StreamQuery, request.query, "query");
      const header = request.headers["last-event-id"];
      const lastEventId = (typeof header === "string" && header.trim() !== "" ? header.trim() : undefined) ?? query.lastEventId;
      const after = lastEventId === undefined ? undefined : streamIdOf(lastEventId);
      if (lastEventId !== undefined && after === undefined) {
        throw new InvalidRequestError([{ path: "Last-Event-ID", message: "must be an event id (evt_…)" }]);
      }
      reply.hijack();
      const raw = reply.raw;
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
