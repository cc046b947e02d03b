-- Listening: when each source is next due, who is polling it, and the items it could not take.

alter table source
  add column name                  text,
  add column poll_interval_seconds integer not null default 60
             check (poll_interval_seconds between 1 and 86400),
  -- Not polled before this time: the interval, a rate-limit reset or a backoff decides it.
  add column next_poll_at          timestamptz,
  -- A poller holds the source while its lease lasts; a write carrying another token is refused,
  -- so a poller that stalled past its lease cannot move the cursor under the next one.
  add column lease_token           uuid,
  add column lease_expires_at      timestamptz,
  add column consecutive_failures  integer not null default 0 check (consecutive_failures >= 0),
  -- Set when the platform refused the credentials: the source waits for a person, not a timer.
  add column stopped_at            timestamptz,
  -- Counts of the last successful poll: fetched, stored, duplicates, rejected, skipped.
  add column last_poll_stats       jsonb check (last_poll_stats is null or jsonb_typeof(last_poll_stats) = 'object'),
  add column updated_at            timestamptz not null default now(),
  add check ((lease_token is null) = (lease_expires_at is null)),
  add check (stopped_at is null or not enabled);

create index source_due on source (next_poll_at nulls first) where enabled;

-- An item a source fetched but could not store as a mention (missing fields, wrong types,
-- invalid text). Kept with the reason so that nothing fetched disappears without a trace.
create table rejected_item (
  id          bigint generated always as identity primary key,
  source_id   bigint not null references source on delete cascade,
  platform    text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  external_id text,
  reason      text not null check (length(reason) > 0),
  -- As received, serialized; text rather than jsonb because a malformed item may hold what jsonb refuses.
  raw         text not null,
  fingerprint text not null,
  received_at timestamptz not null default now(),
  -- The same bad item served again on a re-poll is recorded once.
  unique (source_id, fingerprint)
);
create index rejected_item_source on rejected_item (source_id, received_at desc);
