import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import fastifyHttpProxy from "@fastify/http-proxy";
import fastifyStatic from "@fastify/static";
import { ApiError, hideFromOpenApi } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";

export interface ConsoleOptions {
  /** The console's built assets (`@oceanpos/console`'s dist: index.html, assets/). */
  assetsDir: string;
  /** `CONSOLE_INTAKE_URL`: what `/console/api/intake/*` forwards to. */
  intakeUrl: string;
  /** `CONSOLE_NOTIFIER_URL`: what `/console/api/notifier/*` forwards to. */
  notifierUrl: string;
}

/** Hashed by Vite: a new build has new names, so the browser may keep them for good. */
const immutable = "public, max-age=31536000, immutable";
/** The page itself is always checked again, so a new build is picked up at the next load. */
const securityHeaders = {
  "cache-control": "no-cache",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

/**
 * The operator console at `/console`: its static assets (any other path under it is a client
 * route and gets index.html), and same-origin forwarding of `/console/api/intake/*` and
 * `/console/api/notifier/*` to those services, so that the browser needs no CORS and the
 * operator's `Authorization` header reaches them as sent (it is never logged). The ledger's own
 * API is already same-origin.
 */
export async function registerConsole(app: FastifyInstance, o: ConsoleOptions): Promise<void> {
  // Not part of the ledger's API document: the forwarded routes are the intake's and the notifier's own.
  hideFromOpenApi(app, "/console");
  app.get("/console", async (_request, reply) => reply.redirect("/console/", 308));
  await app.register(async (scope) => {
    if (!existsSync(join(o.assetsDir, "index.html"))) {
      const notBuilt = new ApiError(503, "unavailable", "the console is not built: run `npm run build -w @oceanpos/console` (npm start and the image do)");
      scope.get("/*", async () => {
        throw notBuilt;
      });
      return;
    }
    await scope.register(fastifyStatic, {
      root: o.assetsDir,
      prefix: "/",
      index: false,
      // Ours, per file, in setHeaders (which also applies to sendFile).
      cacheControl: false,
      // Looked up on each request: a rebuild's new file names are served without a restart.
      wildcard: true,
      setHeaders: (res, path) => {
        if (path.endsWith(".html")) for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
        else res.setHeader("cache-control", immutable);
      },
    });
    scope.setNotFoundHandler(async (request, reply) => {
      // A missing asset is a 404; any other path is one of the console's own routes.
      if (request.method !== "GET" || /^\/console\/(assets\/|api\/)|\.[a-z0-9]+$/i.test(request.url.split("?")[0] ?? "")) {
        throw new ApiError(404, "not_found", "no such console asset");
      }
      return reply.sendFile("index.html");
    });
    // `/console/` only: `/console` redirects here, so relative URLs resolve under it.
    scope.route({ method: "GET", url: "/", prefixTrailingSlash: "slash", handler: async (_request, reply) => reply.sendFile("index.html") });
  }, { prefix: "/console" });

  // A forwarded live event stream never ends by itself: it would hold the HTTP server's close
  // (which waits for every open response) for good. They are cut first; a browser's EventSource
  // reconnects, with Last-Event-ID, to whichever ledger answers next.
  const streams = new Set<Readable>();
  app.addHook("preClose", async () => {
    for (const stream of streams) stream.destroy();
  });

  for (const [name, upstream] of [["intake", o.intakeUrl], ["notifier", o.notifierUrl]] as const) {
    await app.register(fastifyHttpProxy, {
      upstream,
      prefix: `/console/api/${name}`,
      rewritePrefix: "",
      replyOptions: {
        // One Request-Id across the ledger's log and the service's.
        rewriteRequestHeaders: (request, headers) => ({ ...headers, "request-id": request.id }),
        // Sent as it arrives (reply-from pipes the upstream body; nothing here buffers or
        // compresses it); undici's bodyTimeout (300 s between chunks) is far above the stream's
        // heartbeat (15 s); when the browser leaves, Fastify destroys the body, which ends the
        // notifier's stream too.
        onResponse: (_request, reply, res) => {
          const { stream } = res as unknown as { stream: Readable };
          if (String(reply.getHeader("content-type")).startsWith("text/event-stream")) {
            streams.add(stream);
            stream.once("close", () => streams.delete(stream));
          }
          void reply.send(stream);
        },
        onError: (reply, { error }) => {
          reply.log.warn({ upstream: name, err: error.message }, "console forwarding failed");
          void reply.send(new ApiError(503, "unavailable", `the ${name} did not answer; retry`, { headers: { "retry-after": "1" }, cause: error }));
        },
      },
    });
  }
}
