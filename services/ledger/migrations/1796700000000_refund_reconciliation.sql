-- Up Migration

-- The daily reconciliation asks the gateway about every refund created or last changed in the day
-- (src/reconciliation/archive-day.ts): refunds_store_created finds those created in it, this one
-- those that changed in it (a refund filed one day and paid out days later). Each run's refund
-- results live in its `terminals` json (`terminals[].refunds`), beside the payments'.
CREATE INDEX refunds_store_updated ON refunds (store_id, updated_at);

-- Down Migration
DROP INDEX refunds_store_updated;
