import { createHash } from "node:crypto";
import { namedResponse, rawResponse } from "@oceanpos/core/http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import QRCode from "qrcode";
import { NotFoundError } from "../errors.js";
import { ErrorBody, OrderNumberParams, errorResponses } from "../http/schemas.js";
import { type RouteContext, ownPayment } from "./route-context.js";

/**
 * The barCode never changes once the gateway gave it, so a rendered QR can be cached by the
 * browser/till and revalidated cheaply with its ETag. `private`: it is one customer's payment.
 */
const cacheControl = "private, max-age=3600";

type Format = "svg" | "png";

const contentTypes: Record<Format, string> = { svg: "image/svg+xml", png: "image/png" };

const qrSchemas: Record<Format, Record<string, unknown>> = {
  svg: { type: "string" },
  png: { type: "string", contentMediaType: "image/png", contentEncoding: "binary" },
};

/** `GET /v1/payments/{orderNumber}/qr.svg` and `/qr.png`: the QR code the customer scans. */
export function registerQr(app: FastifyInstance, ctx: RouteContext): void {
  for (const format of ["svg", "png"] as const) {
    app.get(
      `/payments/:orderNumber/qr.${format}`,
      {
        schema: {
          operationId: `getPaymentQr${format === "svg" ? "Svg" : "Png"}`,
          summary: `QR code of the payment's barCode (${format.toUpperCase()})`,
          description: `200 answers \`${contentTypes[format]}\` with Cache-Control and an ETag (If-None-Match → 304).`,
          tags: ["payments"],
          params: OrderNumberParams,
          response: {
            200: rawResponse(`The QR code (${contentTypes[format]})`, { [contentTypes[format]]: { schema: qrSchemas[format] } }),
            304: rawResponse("Not modified (If-None-Match matched the ETag)"),
            404: namedResponse(ErrorBody, "not_found: unknown payment or no barCode yet"),
            ...errorResponses,
          },
        },
      },
      (request, reply) => sendQr(ctx, format, request, reply),
    );
  }
}

async function sendQr(ctx: RouteContext, format: Format, request: FastifyRequest, reply: FastifyReply) {
  const { orderNumber } = request.params as { orderNumber: string };
  const { payment } = await ownPayment(ctx, request.store, orderNumber);
  const barCode = payment.barCode;
  if (!barCode) throw new NotFoundError(`payment ${payment.orderNumber} has no QR code (yet)`);

  const etag = `"${createHash("sha256").update(barCode).digest("hex").slice(0, 32)}-${format}"`;
  reply.header("cache-control", cacheControl).header("etag", etag);
  if (matches(request.headers["if-none-match"], etag)) return reply.code(304).send();

  reply.type(contentTypes[format]);
  if (format === "svg") return reply.send(await QRCode.toString(barCode, { type: "svg", errorCorrectionLevel: "M", margin: 2 }));
  return reply.send(await QRCode.toBuffer(barCode, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 320 }));
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
