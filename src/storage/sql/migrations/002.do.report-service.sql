-- The Report Service (SPEC 11): the last fire of each aggregate row, for pixel_fired, and the
-- report jobs that API processes share (a runner claims one with FOR UPDATE SKIP LOCKED).

-- The latest fire that landed in the row: pixel_fired reads it for each pixel's latest quarter,
-- found through the primary key (pixel_id first), instead of scanning fires.
ALTER TABLE report_quarters ADD COLUMN last_fire timestamptz;

-- A report asked for with POST /report. `request` is the checked request a runner executes (its
-- scope resolved to pixel ids when it was asked for); `json_request` is what the client sent.
-- Reports are deleted 24 hours after they were asked for.
CREATE TABLE report_jobs (
  id text PRIMARY KEY,
  member_id integer NOT NULL,
  user_id integer NOT NULL,
  -- At most 5 unfinished reports per user: each holds one of its user's slots 1-5 (a unique
  -- index, not a count, so two requests at once cannot both take the last one).
  slot smallint NOT NULL CHECK (slot BETWEEN 1 AND 5),
  report_type text NOT NULL,
  request jsonb NOT NULL,
  json_request text NOT NULL,
  header_info text NOT NULL,
  created_on timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'ready', 'error')),
  attempts smallint NOT NULL DEFAULT 0,
  started_at timestamptz,
  finished_at timestamptz,
  row_count integer,
  result text,
  error text
);
CREATE UNIQUE INDEX report_jobs_user_slot ON report_jobs (user_id, slot)
  WHERE status IN ('pending', 'running');
-- The runners' queue reads only unfinished jobs; expiry reads by age.
CREATE INDEX report_jobs_unfinished ON report_jobs (created_on)
  WHERE status IN ('pending', 'running');
CREATE INDEX report_jobs_created ON report_jobs (created_on);
