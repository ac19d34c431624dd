-- The event store (SPEC 10): every fire, every counted conversion, and the quarter-hour
-- aggregates the reports read. docs/storage.md describes every table, column and index.
-- Day partitions of fires and conversions are created as batches need them (and a day ahead)
-- and dropped whole after LOG_RETENTION_DAYS (src/storage/sql/partitions.ts).

-- Why a fire was or was not counted; fires.reason holds the code.
CREATE TABLE fire_reasons (
  code smallint PRIMARY KEY,
  name text NOT NULL UNIQUE,
  attributed boolean NOT NULL,
  counted boolean NOT NULL
);
INSERT INTO fire_reasons (code, name, attributed, counted) VALUES
  (0, 'counted', true, true),
  (1, 'duplicate_order', true, false),
  (2, 'repeat_user', true, false),
  (3, 'repeat_interval', true, false),
  (4, 'no_touch', false, false),
  (5, 'unknown_user', false, false),
  (6, 'inactive_pixel', false, false),
  (7, 'no_line_item', false, false),
  (8, 'unknown_pixel', false, false);

-- Columns in this order so that no byte goes to alignment padding: 8-byte values, the 16-byte
-- uuid, 4-, 2- and 1-byte values, then the variable-length ones. No index but a BRIN on ts:
-- a fire is written once and read by time (reports read report_quarters instead), and a
-- batch is taken once by applied_batches, not by a unique index on every row.
CREATE TABLE fires (
  ts timestamptz NOT NULL,
  imp_ts timestamptz,
  id uuid NOT NULL,
  pixel_id integer,
  advertiser_id integer,
  line_item_id integer,
  campaign_id integer,
  creative_id integer,
  reason smallint NOT NULL,
  attributed boolean NOT NULL,
  counted boolean NOT NULL,
  conversion_type text CHECK (conversion_type IN ('click', 'view')),
  user_id numeric,
  user_key text,
  value numeric,
  order_id text,
  other text
) PARTITION BY RANGE (ts);
CREATE INDEX fires_ts ON fires USING brin (ts);

-- The conversion log: the counted fires, with their revenue (SPEC 4's row). tx is the writing
-- transaction, for followers that read new conversions in commit order (docs/storage.md).
CREATE TABLE conversions (
  conversion_time timestamptz NOT NULL,
  imp_time timestamptz NOT NULL,
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id uuid NOT NULL,
  pixel_id integer NOT NULL,
  advertiser_id integer NOT NULL,
  line_item_id integer NOT NULL,
  campaign_id integer,
  creative_id integer,
  conversion_type text NOT NULL CHECK (conversion_type IN ('click', 'view')),
  user_id text NOT NULL,
  order_id text,
  other text,
  revenue numeric
) PARTITION BY RANGE (conversion_time);
CREATE INDEX conversions_pixel_time ON conversions (pixel_id, conversion_time);
CREATE INDEX conversions_feed ON conversions (tx, id);

-- Report counts per quarter hour (every time zone's day is a sum of whole quarters) and
-- pixel x credited line item x campaign x creative; 0 stands for "none" in the last three.
CREATE TABLE report_quarters (
  quarter timestamptz NOT NULL,
  pixel_id integer NOT NULL,
  line_item_id integer NOT NULL,
  campaign_id integer NOT NULL,
  creative_id integer NOT NULL,
  advertiser_id integer NOT NULL,
  fires bigint NOT NULL,
  unattributed_fires bigint NOT NULL,
  post_view_convs bigint NOT NULL,
  post_click_convs bigint NOT NULL,
  post_view_revenue numeric NOT NULL,
  post_click_revenue numeric NOT NULL,
  PRIMARY KEY (pixel_id, quarter, line_item_id, campaign_id, creative_id)
);

-- The batches taken, by writer (an edge process or a Workers writer, a random id per start)
-- and number: a batch sent again after a lost reply finds its row and adds nothing.
CREATE TABLE applied_batches (
  writer text NOT NULL,
  seq bigint NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  fires integer NOT NULL,
  PRIMARY KEY (writer, seq)
);

-- The fire log as people read it: reasons by name, the user as the cookie had it.
CREATE VIEW fire_log AS
SELECT f.ts, f.id, f.pixel_id, f.advertiser_id,
       coalesce(f.user_id::text, f.user_key) AS user_id,
       f.order_id, f.value, f.other, r.name AS reason, f.attributed, f.counted,
       f.conversion_type, f.line_item_id, f.campaign_id, f.creative_id, f.imp_ts
FROM fires f JOIN fire_reasons r ON r.code = f.reason;
