export { EventLog, type EventLogOptions, type LoggedEvent, type EventPage, toLogged } from "./event-log.js";
export { EventPattern, eventPatterns, matchesEventPattern } from "./event-pattern.js";
export { compareStreamIds, isStreamId, streamIdAt, timeOfStreamId } from "./stream-id.js";
export { EventOutbox, type EventOutboxOptions, type OutboxEventType, outboxEventTypes } from "./event-outbox.js";
export {
  PaymentEventSchema,
  RefundEventSchema,
  RiskNotice,
  RiskNoticeEventSchema,
  Reconciliation,
  ReconciliationEventSchema,
  TestEventSchema,
  StreamEventSchema,
  webhookEventSchemas,
} from "./event-schemas.js";
