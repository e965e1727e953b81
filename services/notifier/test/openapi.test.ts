import { checkOpenApiDocument, useRedis } from "@oceanpos/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Notifier } from "../src/notifier.js";
import { startNotifier } from "./helpers.js";

describe("the notifier's OpenAPI document", () => {
  const redis = useRedis();
  let notifier: Notifier;
  beforeEach(async () => {
    notifier = await startNotifier(redis);
  });
  afterEach(async () => {
    await notifier.close();
  });

  it("is served at /openapi.json and /docs without credentials, with every route", async () => {
    const res = await notifier.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/oceanpayment/notice",
      "/v1/events",
      "/v1/events/stream",
      "/v1/events/stream-tokens",
      "/v1/subscriptions",
      "/v1/subscriptions/{id}",
      "/v1/subscriptions/{id}/dead-letters",
      "/v1/subscriptions/{id}/dead-letters/replay",
      "/v1/subscriptions/{id}/dead-letters/{eventId}/replay",
      "/v1/subscriptions/{id}/deliveries",
      "/v1/subscriptions/{id}/replay",
      "/v1/subscriptions/{id}/rotate-secret",
      "/v1/subscriptions/{id}/test",
    ]);
    const create = doc.paths["/v1/subscriptions"].post;
    expect(create.operationId).toBe("createSubscription");
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreateSubscription" });
    expect(create.responses["201"].content["application/json"].schema.$ref).toBe("#/components/schemas/SubscriptionWithSecret");
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403"]));
    const stream = doc.paths["/v1/events/stream"].get;
    expect(Object.keys(stream.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(stream.security).toEqual([{ operatorToken: [] }, { storeKey: [] }]);
    expect(stream.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["query:lastEventId", "header:last-event-id"]));
    expect(doc.paths["/oceanpayment/notice"].post.security).toEqual([]);
    expect((await notifier.app.inject({ method: "GET", url: "/docs/" })).statusCode).toBe(200);
  });

  it("describes every event type of the contract as a signed webhook with a named body schema", async () => {
    const doc = (await notifier.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const types = [
      ...["accepted", "submitting", "awaiting_customer", "pending", "succeeded", "failed", "voided", "needs_review"].map((s) => `payment.${s}`),
      "payment.risk_notice",
      ...["accepted", "submitting", "pending", "succeeded", "failed", "needs_review"].map((s) => `refund.${s}`),
      "reconciliation.completed",
      "webhook.test",
    ];
    expect(Object.keys(doc.webhooks).sort()).toEqual(types.sort());
    const succeeded = doc.webhooks["payment.succeeded"].post;
    expect(succeeded.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PaymentEvent" });
    expect(succeeded.parameters.map((p: { name: string }) => p.name)).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    expect(doc.webhooks["refund.failed"].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/RefundEvent");
    const event = doc.components.schemas.PaymentEvent;
    expect(event.properties.type.enum).toContain("payment.succeeded");
    expect(event.properties.data).toEqual({ $ref: "#/components/schemas/Payment" });
  });

  it("passes Redocly's linter and generates TypeScript types that compile and name the resources and events", async () => {
    await notifier.app.ready();
    const problems = await checkOpenApiDocument(notifier.app.swagger(), {
      name: "notifier",
      accepted: [
        {
          rule: "operation-4xx-response",
          location: "#/paths/~1oceanpayment~1notice/post/responses",
          reason: "the contract: a notice is always answered 200 receive-ok, so a sender learns nothing",
        },
      ],
      namedSchemas: ["Subscription", "SubscriptionWithSecret", "CreateSubscription", "DeliveryList", "DeadLetterList", "EventPage", "Event", "PaymentEvent", "RefundEvent", "RiskNoticeEvent", "ReconciliationEvent", "Error"],
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
