export {
  Subscription,
  CreateSubscription,
  UpdateSubscription,
  RotateSecret,
  subscriptionMatches,
} from "./subscription.js";
export {
  SubscriptionStore,
  type SubscriptionStoreOptions,
  type SubscriptionChange,
  type SigningSecrets,
  signingSecretsAt,
} from "./subscription-store.js";
export { DeliveryLog, DeliveryAttempt, DeadLetter, type DeliveryLogOptions } from "./delivery-log.js";
export {
  defaultRetrySchedule,
  retryDelayMs,
  maxDeliveryAttempts,
  maxRetryAfterMs,
  type RetryDelayOptions,
} from "./retry-schedule.js";
export {
  WebhookDeliveryJob,
  webhookJobName,
  webhookBackoffType,
  deliveryQueueName,
  deliveryJob,
  deliveryJobId,
  deliveryJobOptions,
  replayJobId,
} from "./delivery-job.js";
export { generateWebhookSecret, generateSubscriptionId } from "./webhook-secret.js";
