import { type AuditLog, type AuditRecord, auditTargets } from "@oceanpos/core/audit";
import type { StoreRegistry } from "@oceanpos/core/stores";
import {
  CreateSubscription,
  type DeliveryLog,
  RotateSecret,
  Subscription,
  type SubscriptionStore,
  UpdateSubscription,
} from "@oceanpos/core/webhooks";
import { ApiError, type ErrorIssue, InvalidRequestError, namedResponse, type OperatorCaller, parseOrThrow } from "@oceanpos/core/http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator } from "../http/auth.js";
import {
  DeadLetterList,
  Deleted,
  DeliveryList,
  ErrorBody,
  EventId,
  Replayed,
  RotatedSubscription,
  SubscriptionList,
  SubscriptionWithSecret,
  errorResponses,
  openApiSchemas,
} from "../http/openapi.js";
import type { DeliveryQueues } from "../delivery/delivery-queues.js";
import { TestWebhookResult } from "../delivery/test-webhook.js";
import type { Replayer } from "../delivery/replayer.js";
import { type UrlGuard, UrlRefusedError } from "../delivery/url-guard.js";

export interface SubscriptionRoutesOptions {
  auth: Authenticator;
  store: SubscriptionStore;
  stores: StoreRegistry;
  guard: UrlGuard;
  deliveryLog: DeliveryLog;
  queues: DeliveryQueues;
  replayer: Replayer;
  /** Called after every change so this process's cache and workers follow at once. */
  changed: () => Promise<unknown>;
  /** Sends a `webhook.test` event to the subscription now; undefined when it is gone. */
  sendTest: (subscriptionId: string) => Promise<TestWebhookResult | undefined>;
  /** Where every change and replay is recorded, with the operator who made it. */
  audit: AuditLog;
}

const IdParams = z.object({ id: z.string().regex(/^sub_[0-9a-f]{24}$/).describe("The subscription (`sub_…`)") });
const EventParams = IdParams.extend({ eventId: EventId.describe("The dead letter's event (`evt_…`)") });
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100).describe("1-1000, newest first") });
const DeliveriesQuery = LimitQuery.extend({ eventId: EventId.optional().describe("Only this event's attempts (`evt_…`)") });
const ReplayBody = z.strictObject({ since: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }) });
openApiSchemas.add(ReplayBody, { id: "ReplayRequest" });

const subscriptionErrors = {
  ...errorResponses,
  403: namedResponse(ErrorBody, "forbidden: a store key on an operator route"),
} as const;
const notFound404 = { 404: namedResponse(ErrorBody, "not_found: no such subscription") } as const;
const letterNotFound404 = { 404: namedResponse(ErrorBody, "not_found: no such subscription, or that event is not one of its dead letters") } as const;
const disabled409 = { 409: namedResponse(ErrorBody, "subscription_disabled: enable it before replaying") } as const;

/** The OpenAPI schema of an operator route (`operationId`, its answers and the operator's errors). */
function doc(operationId: string, summary: string, rest: Record<string, unknown>, responses: Record<number, unknown>) {
  return { schema: { operationId, summary, tags: ["subscriptions"], ...rest, response: { ...responses, ...subscriptionErrors } } };
}

/** Operator API: `/v1/subscriptions/…`. */
export function registerSubscriptionRoutes(app: FastifyInstance, o: SubscriptionRoutesOptions): void {
  const notFound = () => new ApiError(404, "not_found", "no such subscription");
  const disabled = () => new ApiError(409, "subscription_disabled", "enable the subscription before replaying to it");

  /** Throws a 400 naming a URL or store ids a subscription may not use. */
  const checkTargets = async (body: { url?: string; storeIds?: string[] | null }): Promise<void> => {
    const issues: ErrorIssue[] = [];
    if (body.url !== undefined) {
      try {
        await o.guard.check(body.url);
      } catch (err) {
        if (!(err instanceof UrlRefusedError)) throw err;
        issues.push({ path: "url", message: err.message });
      }
    }
    body.storeIds?.forEach((id, i) => {
      if (!o.stores.byStoreId(id)) issues.push({ path: `storeIds.${i}`, message: `unknown store "${id}"` });
    });
    if (issues.length > 0) throw new InvalidRequestError(issues);
  };

  /** The subscription named in the path, or a 404 thrown. */
  const load = async (params: unknown): Promise<Subscription> => {
    const parsed = IdParams.safeParse(params);
    const subscription = parsed.success ? await o.store.get(parsed.data.id) : undefined;
    if (!subscription) throw notFound();
    return subscription;
  };

  /**
   * Records an operator's change once it took effect. A webhook URL is named by its host only:
   * its path or query may hold the subscriber's own token.
   */
  const audited = (who: OperatorCaller, action: AuditRecord["action"], subscriptionId: string, details?: Record<string, string>) =>
    o.audit.record({ operator: who.name, role: who.role, action, target: auditTargets.subscription(subscriptionId), ...(details ? { details } : {}) });
  const read = (request: FastifyRequest) => o.auth.operator(request, "read");
  const manage = (request: FastifyRequest) => o.auth.operator(request, "subscriptions.manage");
  const replay = (request: FastifyRequest) => o.auth.operator(request, "webhooks.replay");

  app.register(async (scope) => {
    scope.post("/v1/subscriptions", doc("createSubscription", "Create a subscription", { body: CreateSubscription }, { 201: namedResponse(SubscriptionWithSecret, "Created; the secret is shown this once") }), async (request, reply) => {
      const who = manage(request);
      const body = parseOrThrow(CreateSubscription, request.body ?? {});
      await checkTargets(body);
      const { subscription, secret } = await o.store.create(body);
      await o.changed();
      await audited(who, "subscription.create", subscription.id, { host: new URL(subscription.url).host, events: subscription.events.join(",") });
      request.log.info({ subscriptionId: subscription.id }, "subscription created");
      return reply.code(201).header("location", `/v1/subscriptions/${subscription.id}`).send({ ...subscription, secret });
    });

    scope.get("/v1/subscriptions", doc("listSubscriptions", "List subscriptions", {}, { 200: namedResponse(SubscriptionList, "Every subscription, oldest first") }), async (request) => {
      read(request);
      return { subscriptions: await o.store.list() };
    });

    scope.get("/v1/subscriptions/:id", doc("getSubscription", "Read a subscription", { params: IdParams }, { 200: namedResponse(Subscription, "The subscription"), ...notFound404 }), async (request) => {
      read(request);
      return load(request.params);
    });

    scope.patch("/v1/subscriptions/:id", doc("updateSubscription", "Change a subscription", { params: IdParams, body: UpdateSubscription }, { 200: namedResponse(Subscription, "The subscription as changed"), ...notFound404 }), async (request) => {
      const who = manage(request);
      const current = await load(request.params);
      const body = parseOrThrow(UpdateSubscription, request.body ?? {});
      await checkTargets(body);
      const updated = await o.store.update(current.id, body);
      if (!updated) throw notFound();
      await o.changed();
      await audited(who, "subscription.update", current.id, { fields: Object.keys(body).sort().join(",") });
      return updated;
    });

    scope.delete("/v1/subscriptions/:id", doc("deleteSubscription", "Delete a subscription and its queued deliveries", { params: IdParams }, { 200: namedResponse(Deleted, "Deleted"), ...notFound404 }), async (request) => {
      const who = manage(request);
      const current = await load(request.params);
      await o.store.delete(current.id);
      await o.changed();
      await audited(who, "subscription.delete", current.id, { host: new URL(current.url).host });
      await o.queues.drop(current.id);
      request.log.info({ subscriptionId: current.id }, "subscription deleted");
      return { id: current.id, deleted: true };
    });

    // A new secret, shown once; the replaced one keeps signing next to it for a while (Stripe's
    // "roll secret"), so that the subscriber can switch without refusing a delivery.
    scope.post("/v1/subscriptions/:id/rotate-secret", doc("rotateSubscriptionSecret", "Roll the signing secret", { params: IdParams, body: RotateSecret }, { 200: namedResponse(RotatedSubscription, "The new secret, shown this once"), ...notFound404 }), async (request) => {
      const who = manage(request);
      const current = await load(request.params);
      const seconds = parseOrThrow(RotateSecret, request.body ?? {}).previousSecretExpiresInSeconds;
      const previousSecretExpiresAt = seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
      const rotated = await o.store.rotateSecret(current.id, previousSecretExpiresAt);
      if (!rotated) throw notFound();
      await o.changed();
      await audited(who, "subscription.rotate_secret", current.id, { previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? "now" });
      request.log.info({ subscriptionId: current.id, previousSecretExpiresAt }, "subscription secret rotated");
      return { ...current, secret: rotated.secret, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null };
    });

    // One signed `webhook.test` event, answered with what the endpoint said: to check a new
    // endpoint or secret without waiting for a payment.
    scope.post("/v1/subscriptions/:id/test", doc("testSubscription", "Send a signed webhook.test event now", { params: IdParams }, { 200: namedResponse(TestWebhookResult, "What the endpoint answered"), ...notFound404 }), async (request) => {
      manage(request);
      const current = await load(request.params);
      const result = await o.sendTest(current.id);
      if (!result) throw notFound();
      return result;
    });

    scope.get("/v1/subscriptions/:id/deliveries", doc("listDeliveries", "The delivery log, or one event's attempts", { params: IdParams, querystring: DeliveriesQuery }, { 200: namedResponse(DeliveryList, "Delivery attempts, newest first"), ...notFound404 }), async (request) => {
      read(request);
      const current = await load(request.params);
      const { limit, eventId } = parseOrThrow(DeliveriesQuery, request.query, "query");
      return { deliveries: await o.deliveryLog.attempts(current.id, limit, eventId) };
    });

    scope.get("/v1/subscriptions/:id/dead-letters", doc("listDeadLetters", "Deliveries that used every attempt", { params: IdParams, querystring: LimitQuery }, { 200: namedResponse(DeadLetterList, "Dead letters, newest first"), ...notFound404 }), async (request) => {
      read(request);
      const current = await load(request.params);
      const { limit } = parseOrThrow(LimitQuery, request.query, "query");
      return { deadLetters: await o.deliveryLog.deadLetters(current.id, limit) };
    });

    scope.post("/v1/subscriptions/:id/replay", doc("replaySubscription", "Re-deliver every matching event since a time", { params: IdParams, body: ReplayBody }, { 202: namedResponse(Replayed, "Queued"), ...notFound404, ...disabled409 }), async (request, reply) => {
      const who = replay(request);
      const current = await load(request.params);
      const { since } = parseOrThrow(ReplayBody, request.body ?? {});
      if (!current.enabled) throw disabled();
      const replayed = await o.replayer.since(current, new Date(since));
      await audited(who, "webhook.replay", current.id, { since, replayed: String(replayed) });
      return reply.code(202).send({ replayed });
    });

    scope.post("/v1/subscriptions/:id/dead-letters/replay", doc("replayDeadLetters", "Re-deliver every dead letter", { params: IdParams }, { 202: namedResponse(Replayed, "Queued"), ...notFound404, ...disabled409 }), async (request, reply) => {
      const who = replay(request);
      const current = await load(request.params);
      if (!current.enabled) throw disabled();
      const replayed = await o.replayer.deadLetters(current);
      await audited(who, "webhook.replay", current.id, { deadLetters: "all", replayed: String(replayed) });
      return reply.code(202).send({ replayed });
    });

    scope.post("/v1/subscriptions/:id/dead-letters/:eventId/replay", doc("replayDeadLetter", "Re-deliver one dead letter", { params: EventParams }, { 202: namedResponse(Replayed, "Queued"), ...letterNotFound404, ...disabled409 }), async (request, reply) => {
      const who = replay(request);
      const current = await load(request.params);
      const { eventId } = parseOrThrow(EventParams, request.params);
      if (!current.enabled) throw disabled();
      const replayed = await o.replayer.deadLetter(current, eventId);
      if (replayed === 0) throw new ApiError(404, "not_found", `${eventId} is not a dead letter of this subscription`);
      await audited(who, "webhook.replay", current.id, { deadLetters: eventId, replayed: String(replayed) });
      return reply.code(202).send({ replayed });
    });
  });
}
