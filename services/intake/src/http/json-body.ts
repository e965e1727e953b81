import type { FastifyInstance } from "fastify";

/**
 * JSON bodies only (anything else is 415). An empty JSON body counts as no body, since many POS
 * HTTP clients send `Content-Type: application/json` on a bare `POST …/void`. Prototype
 * poisoning (`__proto__`, `constructor.prototype`) is refused, as by fastify's default parser.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parse(request, body as string, done);
  });
}
