import { rawResponse } from "@oceanpos/core/http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { NotifierMetrics } from "../metrics.js";
import type { NoticeHandler } from "../notices/notice-handler.js";

export interface NoticeRoutesOptions {
  handler: NoticeHandler;
  metrics?: NotifierMetrics;
  /** `NOTICE_BODY_LIMIT_BYTES`; default 64 KiB. */
  bodyLimit?: number;
}

/**
 * `POST /oceanpayment/notice`. Whatever arrives, the answer is `200 text/plain receive-ok`:
 * Oceanpayment's rule, and an attacker learns nothing from it. In its own plugin scope so that
 * the raw-body parsers and the error handler apply to this route only.
 */
export function registerNoticeRoutes(app: FastifyInstance, o: NoticeRoutesOptions): void {
  const bodyLimit = o.bodyLimit ?? 64 * 1024;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // application/xml, text/xml, and anything else (senders mislabel): the parser decides.
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) => done(null, body));

    scope.setErrorHandler(async (error: { code?: string; statusCode?: number }, request, reply) => {
      const tooLarge = error.code === "FST_ERR_CTP_BODY_TOO_LARGE" || error.statusCode === 413;
      request.log.warn({ code: error.code, statusCode: error.statusCode }, "notice body refused");
      o.metrics?.notices.inc({ result: "rejected" });
      o.metrics?.noticesRejected.inc({ reason: tooLarge ? "too_large" : "malformed" });
      return reply.code(200).type("text/plain").send("receive-ok");
    });

    const noticeDoc = {
      operationId: "receiveNotice",
      summary: "Oceanpayment's signed notice (XML)",
      description: "Always answers `receive-ok`; a notice that does not verify changes nothing and is counted (notices_rejected_total).",
      tags: ["oceanpayment"],
      security: [],
      consumes: ["application/xml", "text/xml"],
      body: z.string(),
      response: { 200: rawResponse("receive-ok, whatever arrived", { "text/plain": { schema: { type: "string", const: "receive-ok" } } }) },
    };
    scope.post("/oceanpayment/notice", { bodyLimit, schema: noticeDoc }, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : undefined;
      try {
        await o.handler.handle(body);
      } catch (err) {
        // Redis unreachable, most likely. The contract still answers receive-ok; the payer's
        // query-based settlement is the backstop for a notice lost this way.
        request.log.error({ err }, "notice could not be processed");
        o.metrics?.notices.inc({ result: "error" });
      }
      return reply.code(200).type("text/plain").send("receive-ok");
    });
  });
}
