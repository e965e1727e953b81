import { webhookEventSchemas } from "@oceanpos/core/events";
import { ErrorBodySchema, namedResponse, openApiSchemaRegistry, registerOpenApi as registerServiceOpenApi } from "@oceanpos/core/http";
import { Payment, streamIdOf } from "@oceanpos/core/payments";
import { Refund } from "@oceanpos/core/refunds";
import { CreateSubscription, DeadLetter, DeliveryAttempt, RotateSecret, Subscription, UpdateSubscription } from "@oceanpos/core/webhooks";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { TestWebhookResult } from "../delivery/test-webhook.js";

/** The schemas the notifier's document names, so that generated SDKs (and webhook receivers) get named types. */
export const openApiSchemas = openApiSchemaRegistry();

export const ErrorBody = ErrorBodySchema;

/** An event id in a query or path (`evt_` and its stream id). */
export const EventId = z.string().refine((v) => streamIdOf(v) !== undefined, "must be an event id (evt_…)");

export const SubscriptionWithSecret = Subscription.extend({
  secret: z.string().describe("`whsec_…`: shown once, here; verify deliveries with it (Standard Webhooks)"),
});
export const RotatedSubscription = SubscriptionWithSecret.extend({
  previousSecretExpiresAt: z.string().nullable().describe("Until when the replaced secret keeps signing next to the new one"),
});
export const SubscriptionList = z.object({ subscriptions: z.array(Subscription) });
export const DeliveryList = z.object({ deliveries: z.array(DeliveryAttempt).describe("Newest first") });
export const DeadLetterList = z.object({ deadLetters: z.array(DeadLetter) });
export const Deleted = z.object({ id: z.string(), deleted: z.literal(true) });
export const Replayed = z.object({ replayed: z.number().int().describe("Deliveries queued") });

for (const [schema, id] of [
  [ErrorBody, "Error"],
  [Payment, "Payment"],
  [Refund, "Refund"],
  [Subscription, "Subscription"],
  [SubscriptionWithSecret, "SubscriptionWithSecret"],
  [RotatedSubscription, "RotatedSubscription"],
  [CreateSubscription, "CreateSubscription"],
  [UpdateSubscription, "UpdateSubscription"],
  [RotateSecret, "RotateSecret"],
  [SubscriptionList, "SubscriptionList"],
  [DeliveryAttempt, "DeliveryAttempt"],
  [DeliveryList, "DeliveryList"],
  [DeadLetter, "DeadLetter"],
  [DeadLetterList, "DeadLetterList"],
  [Replayed, "Replayed"],
  [Deleted, "DeletedSubscription"],
  [TestWebhookResult, "TestWebhookResult"],
] as const) {
  openApiSchemas.add(schema, { id });
}
for (const { schema, id } of webhookEventSchemas) if (!openApiSchemas.has(schema)) openApiSchemas.add(schema, { id });

export const errorResponses = {
  400: namedResponse(ErrorBody, "invalid_request: every failing field is listed in issues"),
  401: namedResponse(ErrorBody, "unauthorized"),
  503: namedResponse(ErrorBody, "unavailable: Redis cannot be reached; retry"),
} as const;

const signatureHeaders = [
  { name: "webhook-id", description: "The event id: the same on every retry (deduplicate on it)" },
  { name: "webhook-timestamp", description: "Unix seconds when this attempt was signed" },
  {
    name: "webhook-signature",
    description: "`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of the `whsec_` secret; space-separated, one per secret during a rotation",
  },
].map((h) => ({ in: "header", required: true, schema: { type: "string" }, ...h }));

/** OpenAPI 3.1 `webhooks`: one POST per event type, its body the event's named schema. */
function webhooks(): Record<string, unknown> {
  const operationId = (type: string) => `${type.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase())}Webhook`;
  return Object.fromEntries(
    webhookEventSchemas.map(({ type, id }) => [
      type,
      {
        post: {
          operationId: operationId(type),
          summary: `${type} event`,
          description:
            "POSTed to every enabled subscription whose `events` match. Verify the Standard Webhooks signature (e.g. with the " +
            "`standardwebhooks` package and the subscription's secret) before trusting the body.",
          security: [],
          parameters: signatureHeaders,
          requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${id}` } } } },
          responses: {
            200: { description: "Delivered: any 2xx" },
            410: { description: "Gone: the subscription is disabled" },
            429: { description: "Retried after Retry-After (also 503)" },
            500: { description: "Anything else, or no answer within 15 s: retried with backoff, then dead-lettered" },
          },
        },
      },
    ]),
  );
}

/** The notifier's OpenAPI document (`/openapi.json`, `/docs`); register before the routes, which are added in plugins. */
export function registerOpenApi(app: FastifyInstance): void {
  registerServiceOpenApi(app, {
    title: "OceanPOS notifier API",
    description:
      "Webhook subscriptions, their deliveries, replays and dead letters (operator token); the event log and the live event " +
      "stream (operator token, or a store key for that store's events); Oceanpayment's notices. Errors are " +
      '`{"error": {"code", "message", "issues"?}}`. The `webhooks` section describes what subscribers receive.',
    defaultHost: "localhost:3001",
    securitySchemes: {
      operatorToken: { type: "http", scheme: "bearer", description: "The operator token (ADMIN_TOKEN)" },
      storeKey: { type: "http", scheme: "bearer", description: "A store's API key: the events of that store" },
    },
    security: [{ operatorToken: [] }],
    schemas: openApiSchemas,
    webhooks: webhooks(),
  });
}
