import type { EventLog } from "@oceanpos/core/events";
import { type Caller, InvalidRequestError, parseOrThrow } from "@oceanpos/core/http";
import { type StreamEvent, streamIdOf } from "@oceanpos/core/payments";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator } from "../http/auth.js";
import type { EventStreamHub } from "../events/event-stream-hub.js";

export interface EventRoutesOptions {
  auth: Authenticator;
  eventLog: EventLog;
  hub: EventStreamHub;
}

const EventId = z.string().refine((v) => streamIdOf(v) !== undefined, "must be an event id (evt_…)");
const PageQuery = z.object({
  after: EventId.optional(),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1, "must be 1-500").max(500, "must be 1-500").default(100),
});
const StreamQuery = z.object({ lastEventId: EventId.optional() });

function filterFor(caller: Caller): (event: StreamEvent) => boolean {
  if (caller.kind === "operator") return () => true;
  return (event) => event.data.storeId === caller.storeId;
}

/** `GET /v1/events` (paged log) and `GET /v1/events/stream` (Server-Sent Events). */
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

  app.get("/v1/events/stream", async (request: FastifyRequest, reply: FastifyReply) => {
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
}
