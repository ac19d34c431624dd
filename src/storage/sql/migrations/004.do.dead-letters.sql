-- Fires the store refused for their data (a value out of a column's range, a character text
-- cannot hold, a constraint): kept aside here, one row per fire, so that the batch they came in
-- is stored without them and nothing behind it waits (SPEC 10). `entry` is the fire as the edge
-- decided it, as JSON text (JSON escapes what text cannot hold); `code` the SQLSTATE or the
-- check that refused it, `error` its message. Nothing deletes these rows: an operator reads them
-- (docs/operations.md), fixes what let the value in, and may write the fire again by hand.
CREATE TABLE dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kept_at timestamptz NOT NULL DEFAULT now(),
  writer text NOT NULL,
  seq bigint NOT NULL,
  code text NOT NULL,
  error text NOT NULL,
  entry text NOT NULL
);
