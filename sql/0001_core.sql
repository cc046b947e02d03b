-- Earshot's data model. Runs on PostgreSQL 15 and later (the embedded PGlite is 18).
-- Rules that protect a customer (one open case, one owner, an append-only timeline)
-- live here as constraints, so that no code path can break them.

create table brand (
  id            bigint generated always as identity primary key,
  slug          text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name          text not null check (length(btrim(name)) between 1 and 200),
  -- IANA zone name; the application validates it against the runtime's zone list.
  time_zone     text not null check (time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$'),
  -- Declared round-the-clock coverage: SLA clocks then count wall-clock time.
  always_staffed boolean not null default false,
  -- Reopen a resolved case instead of opening a new one when the customer writes within this window.
  reopen_window interval not null default interval '7 days' check (reopen_window >= interval '0'),
  created_at    timestamptz not null default now()
);

-- The brand's own accounts, so that its own posts are recognised and replies go out from the right one.
create table brand_handle (
  brand_id  bigint not null references brand on delete cascade,
  platform  text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  handle    text not null check (length(handle) between 1 and 320),
  platform_user_id text,
  primary key (brand_id, platform, handle)
);

-- Opening hours in the brand's time zone; ISO weekday 1 = Monday. A span whose close is not
-- after its open runs past midnight into the next day (overnight cover).
create table business_hours (
  brand_id  bigint not null references brand on delete cascade,
  weekday   smallint not null check (weekday between 1 and 7),
  opens_at  time not null,
  closes_at time not null,
  primary key (brand_id, weekday, opens_at),
  check (opens_at <> closes_at)
);

create table holiday (
  brand_id bigint not null references brand on delete cascade,
  day      date not null,
  name     text not null check (length(btrim(name)) between 1 and 200),
  primary key (brand_id, day)
);

-- Targets in business minutes, per priority (1 = P1, most urgent).
create table sla_policy (
  brand_id               bigint not null references brand on delete cascade,
  priority               smallint not null check (priority between 1 and 4),
  first_response_minutes integer not null check (first_response_minutes > 0),
  next_response_minutes  integer not null check (next_response_minutes > 0),
  resolution_minutes     integer not null check (resolution_minutes > 0),
  primary key (brand_id, priority)
);

create table app_user (
  id            bigint generated always as identity primary key,
  email         text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  name          text not null check (length(btrim(name)) between 1 and 200),
  role          text not null check (role in ('agent', 'executive', 'marketing', 'admin')),
  -- Self-describing hash ("pbkdf2-sha256$iterations$salt$hash") so the cost can be raised later.
  password_hash text not null check (password_hash like 'pbkdf2-sha256$%'),
  languages     text[] not null default '{}',
  -- Open work the person can carry, in priority-weighted units; routing balances against it.
  capacity      integer not null default 10 check (capacity between 1 and 1000),
  active        boolean not null default true,
  created_at    timestamptz not null default now()
);
create unique index app_user_email_key on app_user (lower(email));

-- When a person is on shift, in the brand's time zone; same overnight rule as business_hours.
create table user_shift (
  user_id   bigint not null references app_user on delete cascade,
  weekday   smallint not null check (weekday between 1 and 7),
  starts_at time not null,
  ends_at   time not null,
  primary key (user_id, weekday, starts_at),
  check (starts_at <> ends_at)
);

create table team (
  id       bigint generated always as identity primary key,
  brand_id bigint not null references brand on delete cascade,
  name     text not null check (length(btrim(name)) between 1 and 200),
  lead_id  bigint references app_user on delete set null,
  unique (brand_id, name)
);

create table team_member (
  team_id bigint not null references team on delete cascade,
  user_id bigint not null references app_user on delete cascade,
  primary key (team_id, user_id)
);
create index team_member_user on team_member (user_id);

create table source (
  id              bigint generated always as identity primary key,
  brand_id        bigint not null references brand on delete cascade,
  platform        text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  kind            text not null check (kind in ('mentions', 'search', 'hashtag', 'direct_messages', 'replay')),
  -- The search query or hashtag; only the kinds that need one have one.
  query           text check (query is null or length(btrim(query)) > 0),
  -- Non-secret settings (account id, server URL, replay speed). Secrets stay in the environment.
  settings        jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
  cursor          text,
  enabled         boolean not null default true,
  last_polled_at  timestamptz,
  last_success_at timestamptz,
  last_error      text,
  last_error_at   timestamptz,
  -- As the platform's headers last said: {"limit", "remaining", "reset_at"}.
  rate_limit      jsonb check (rate_limit is null or jsonb_typeof(rate_limit) = 'object'),
  created_at      timestamptz not null default now(),
  check ((kind in ('search', 'hashtag')) = (query is not null))
);
create index source_brand on source (brand_id);

create table customer (
  id             bigint generated always as identity primary key,
  display_name   text,
  -- A merged customer points at the survivor; undoing the merge clears it.
  merged_into_id bigint references customer,
  created_at     timestamptz not null default now(),
  check (merged_into_id is null or merged_into_id <> id)
);

create table identity (
  id               bigint generated always as identity primary key,
  customer_id      bigint not null references customer,
  platform         text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  platform_user_id text not null check (length(platform_user_id) > 0),
  handle           text not null check (length(handle) > 0),
  display_name     text,
  followers        integer check (followers >= 0),
  verified         boolean not null default false,
  profile_url      text,
  updated_at       timestamptz not null default now(),
  unique (platform, platform_user_id)
);
create index identity_customer on identity (customer_id);

create table care_case (
  -- "case" is a reserved word in SQL, hence care_case.
  id             bigint generated always as identity primary key,
  brand_id       bigint not null references brand,
  customer_id    bigint not null references customer,
  status         text not null default 'new'
                 check (status in ('new', 'open', 'waiting_on_customer', 'handed_off', 'resolved', 'closed')),
  priority       smallint not null default 4 check (priority between 1 and 4),
  -- One column means exactly one owner or none (the team queue) by construction.
  owner_id       bigint references app_user,
  team_id        bigint references team,
  subject        text,
  merged_into_id bigint references care_case,
  opened_at      timestamptz not null default now(),
  last_customer_message_at timestamptz,
  first_response_at        timestamptz,
  first_response_due_at    timestamptz,
  next_response_due_at     timestamptz,
  resolution_due_at        timestamptz,
  -- The nearest due time of any running clock, kept by the application so the inbox can sort on it.
  sla_due_at     timestamptz,
  resolved_at    timestamptz,
  closed_at      timestamptz,
  satisfaction   smallint check (satisfaction between 1 and 5),
  updated_at     timestamptz not null default now(),
  check ((status in ('resolved', 'closed')) = (resolved_at is not null)),
  check (status = 'closed' or closed_at is null),
  check (merged_into_id is null or (merged_into_id <> id and status = 'closed'))
);
-- One open case per customer and brand: concurrent routers cannot open a second one.
create unique index care_case_one_open on care_case (brand_id, customer_id)
  where status not in ('resolved', 'closed');
-- The inbox: open cases by priority, then the nearest due time.
create index care_case_inbox on care_case (brand_id, priority, sla_due_at)
  where status not in ('resolved', 'closed');
create index care_case_owner on care_case (owner_id, priority, sla_due_at)
  where status not in ('resolved', 'closed');
create index care_case_customer on care_case (customer_id, opened_at desc);

create table mention (
  id              bigint generated always as identity primary key,
  platform        text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  external_id     text not null check (length(external_id) > 0),
  brand_id        bigint not null references brand,
  source_id       bigint references source on delete set null,
  identity_id     bigint not null references identity,
  -- Set when routing files the mention; spam and the brand's own posts never get one.
  case_id         bigint references care_case,
  text            text not null,
  url             text,
  posted_at       timestamptz not null,
  received_at     timestamptz not null default now(),
  conversation_id text,
  in_reply_to_id  text,
  language_hint   text check (language_hint ~ '^[a-z]{2,3}(-[A-Za-z0-9]+)*$'),
  -- Engagement when fetched: {"reposts", "replies", "likes", "quotes"}.
  engagement      jsonb not null default '{}' check (jsonb_typeof(engagement) = 'object'),
  raw             jsonb not null,
  -- Classification; all set together, by one model version.
  language        text check (language ~ '^[a-z]{2}$'),
  kind            text check (kind in ('customer', 'own_post', 'spam')),
  sentiment       real check (sentiment between -1 and 1),
  sentiment_label text check (sentiment_label in ('negative', 'neutral', 'positive')),
  complaint_probability real check (complaint_probability between 0 and 1),
  urgency_score   integer check (urgency_score >= 0),
  urgency_reasons jsonb not null default '[]' check (jsonb_typeof(urgency_reasons) = 'array'),
  model_version   text,
  classified_at   timestamptz,
  unique (platform, external_id),
  check ((classified_at is null) = (model_version is null)),
  check (classified_at is null or (kind is not null and sentiment is not null
         and complaint_probability is not null and urgency_score is not null))
);
create index mention_case on mention (case_id, posted_at);
create index mention_identity on mention (identity_id, posted_at desc);
create index mention_brand_received on mention (brand_id, received_at desc);
create index mention_conversation on mention (platform, conversation_id) where conversation_id is not null;
create index mention_unclassified on mention (id) where classified_at is null;
create index mention_search on mention using gin (to_tsvector('simple', text));

create table case_event (
  id          bigint generated always as identity primary key,
  case_id     bigint not null references care_case,
  kind        text not null check (kind in (
                'mention', 'reply', 'note', 'assignment', 'status', 'priority', 'promise', 'reminder',
                'handoff', 'callback', 'satisfaction', 'merge', 'sla', 'acknowledgement')),
  -- Null for Earshot itself (routing, SLA sweeps, reminders).
  actor_id    bigint references app_user,
  occurred_at timestamptz not null default now(),
  mention_id  bigint references mention,
  body        jsonb not null default '{}' check (jsonb_typeof(body) = 'object'),
  -- Identity values commit out of order; live readers deliver only events older than the
  -- oldest transaction still running, which this column lets them tell.
  xact_id     xid8 not null default pg_current_xact_id(),
  check ((kind = 'mention') = (mention_id is not null))
);
create index case_event_timeline on case_event (case_id, occurred_at, id);

create function case_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'case_event is append-only: % is not allowed', tg_op
    using errcode = 'restrict_violation';
end
$$;
create trigger case_event_append_only before update or delete on case_event
  for each row execute function case_event_is_append_only();

create table promise (
  id             bigint generated always as identity primary key,
  case_id        bigint not null references care_case,
  made_by        bigint not null references app_user,
  -- The reply that carried the promise.
  event_id       bigint references case_event,
  text           text not null check (length(btrim(text)) > 0),
  due_at         timestamptz not null,
  status         text not null default 'open' check (status in ('open', 'kept', 'broken')),
  reminders_sent integer not null default 0 check (reminders_sent >= 0),
  settled_at     timestamptz,
  created_at     timestamptz not null default now(),
  check ((status = 'open') = (settled_at is null))
);
create index promise_due on promise (due_at) where status = 'open';
create index promise_case on promise (case_id);

create table handoff (
  id               bigint generated always as identity primary key,
  case_id          bigint not null references care_case,
  requested_by     bigint not null references app_user,
  -- Null while it waits in the executive pool.
  executive_id     bigint references app_user,
  summary          text not null check (length(btrim(summary)) > 0),
  status           text not null default 'requested'
                   check (status in ('requested', 'accepted', 'declined', 'callback_scheduled', 'done')),
  decline_reason   text,
  callback_at      timestamptz,
  callback_channel text check (callback_channel in ('phone', 'x', 'bluesky', 'mastodon', 'email')),
  callback_contact text,
  outcome          text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  check (status <> 'declined' or decline_reason is not null),
  check (status <> 'callback_scheduled' or (callback_at is not null and callback_channel is not null)),
  check (status <> 'done' or outcome is not null)
);
-- At most one handoff in flight per case.
create unique index handoff_active on handoff (case_id)
  where status in ('requested', 'accepted', 'callback_scheduled');
create index handoff_queue on handoff (executive_id, status, created_at);
create index handoff_callback_due on handoff (callback_at) where status = 'callback_scheduled';

create table outbox (
  id               bigint generated always as identity primary key,
  case_id          bigint not null references care_case,
  event_id         bigint references case_event,
  kind             text not null check (kind in ('public_reply', 'direct_message')),
  platform         text not null check (platform in ('x', 'bluesky', 'mastodon', 'demo')),
  recipient_identity_id bigint references identity,
  in_reply_to_external_id text,
  idempotency_key  text not null unique check (length(idempotency_key) between 8 and 200),
  body             text not null check (length(body) > 0),
  status           text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
  attempts         integer not null default 0 check (attempts >= 0),
  next_attempt_at  timestamptz not null default now(),
  platform_post_id text,
  platform_url     text,
  last_error       text,
  created_by       bigint references app_user,
  created_at       timestamptz not null default now(),
  sent_at          timestamptz,
  check ((status = 'sent') = (sent_at is not null)),
  check (status <> 'failed' or last_error is not null),
  check (kind <> 'public_reply' or in_reply_to_external_id is not null),
  check (kind <> 'direct_message' or recipient_identity_id is not null)
);
create index outbox_due on outbox (next_attempt_at) where status in ('queued', 'sending');
create index outbox_case on outbox (case_id);

create table session (
  -- SHA-256 of the cookie's token: a leaked table cannot be replayed as cookies.
  token_hash   text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id      bigint not null references app_user on delete cascade,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null,
  user_agent   text,
  check (expires_at > created_at)
);
create index session_by_user on session (user_id);
create index session_by_expiry on session (expires_at);

create table audit_log (
  id          bigint generated always as identity primary key,
  actor_id    bigint references app_user,
  action      text not null check (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
  target_type text,
  target_id   text,
  occurred_at timestamptz not null default now(),
  detail      jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
  check ((target_type is null) = (target_id is null))
);
create index audit_log_target on audit_log (target_type, target_id, occurred_at);
create index audit_log_actor on audit_log (actor_id, occurred_at);
