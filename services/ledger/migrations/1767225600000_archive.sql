-- Up Migration

-- The archive of the event stream (the ledger's drain writes it; nothing else does).
-- Resources are kept as `json` (the exact text the pipeline wrote, key order kept, cheaper to
-- write than jsonb); every filtered or summed field has its own column.

-- Every event, whatever its type (payment.*, refund.*, payment.risk_notice, reconciliation.*…),
-- once: the Redis stream id is the key, so a batch written again changes nothing.
CREATE TABLE events (
  stream_id    text PRIMARY KEY,
  type         text NOT NULL,
  at           timestamptz NOT NULL,
  store_id     text,
  order_number text COLLATE "C",
  data         json NOT NULL,
  archived_at  timestamptz NOT NULL DEFAULT now()
);

-- The latest version of every payment. An order number can be used again once its payment has
-- left Redis (PAYMENT_RETENTION_DAYS): the new payment has a later createdAt, so it is another
-- row, never merged into the old one. (The store is part of the key because events name the
-- store, not the Oceanpayment account; a payment never changes store.)
CREATE TABLE payments (
  store_id        text COLLATE "C" NOT NULL,
  order_number    text COLLATE "C" NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  version         integer NOT NULL,
  status          text NOT NULL,
  mode            text NOT NULL,
  method          text NOT NULL,
  currency        text NOT NULL,
  amount          numeric NOT NULL,
  refunded_amount numeric NOT NULL DEFAULT 0,
  payment_id      text,
  gateway_code    text,
  -- The event that carried this version.
  stream_id       text NOT NULL,
  resource        json NOT NULL,
  PRIMARY KEY (store_id, order_number, created_at)
);

-- Lists and exports walk these newest first (keyset: created_at, store_id, order_number); the
-- daily report reads one day's range of the first two.
CREATE INDEX payments_created ON payments (created_at, store_id, order_number);
CREATE INDEX payments_store_created ON payments (store_id, created_at, order_number);
CREATE INDEX payments_status_created ON payments (status, created_at, store_id, order_number);
CREATE INDEX payments_store_status_created ON payments (store_id, status, created_at, order_number);
-- orderNumber prefix searches (the C collation makes LIKE 'prefix%' an index range).
CREATE INDEX payments_order_number ON payments (order_number);

-- The latest version of every refund (refund.* events; refunds come with a later change, the
-- table is here so that lists, exports and reports read one shape). A refund number is unique
-- per payment; created_at tells apart refunds of two payments that used the same order number.
CREATE TABLE refunds (
  store_id      text COLLATE "C" NOT NULL,
  order_number  text COLLATE "C" NOT NULL,
  refund_number text COLLATE "C" NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  version       integer NOT NULL,
  status        text NOT NULL,
  currency      text NOT NULL,
  amount        numeric NOT NULL,
  refund_id     text,
  gateway_code  text,
  stream_id     text NOT NULL,
  resource      json NOT NULL,
  PRIMARY KEY (store_id, order_number, refund_number, created_at)
);

CREATE INDEX refunds_created ON refunds (created_at, store_id, order_number, refund_number);
CREATE INDEX refunds_store_created ON refunds (store_id, created_at, order_number, refund_number);

-- Down Migration
DROP TABLE refunds;
DROP TABLE payments;
DROP TABLE events;
