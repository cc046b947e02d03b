-- Private messages in, satisfaction asks out, and P1 cases announced once.

-- A direct message (X) or a direct-visibility status (Mastodon): shown as private, never answered in public.
alter table mention add column private boolean not null default false;

alter table brand
  -- Ask for a 1-5 score on the case's own channel when it is resolved.
  add column satisfaction_ask boolean not null default true,
  -- Per-language overrides of the ask's text, {"en": "...", "ru": "..."}; the application validates them.
  add column satisfaction_texts jsonb not null default '{}' check (jsonb_typeof(satisfaction_texts) = 'object');

-- One ask per resolution. The score can come back as a reply on the platform or from the one-click
-- page, whose link carries a token stored here only as its SHA-256.
create table satisfaction (
  id            bigint generated always as identity primary key,
  case_id       bigint not null references care_case,
  token_hash    text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  channel       text not null check (channel in ('public', 'private')),
  language      text not null check (language ~ '^[a-z]{2}$'),
  -- Who and what the score is about, fixed when asked: a later transfer must not move the credit.
  agent_id      bigint references app_user,
  team_id       bigint references team,
  category      text not null check (length(category) between 1 and 60),
  outbox_id     bigint references outbox,
  asked_at      timestamptz not null default now(),
  expires_at    timestamptz not null,
  score         smallint check (score between 1 and 5),
  comment       text check (length(comment) <= 2000),
  answered_at   timestamptz,
  answered_via  text check (answered_via in ('reply', 'page')),
  answer_mention_id bigint references mention,
  check ((score is null) = (answered_at is null)),
  check ((score is null) = (answered_via is null)),
  check (expires_at > asked_at)
);
create index satisfaction_case on satisfaction (case_id, asked_at desc);
create index satisfaction_answered on satisfaction (answered_at) where score is not null;

-- Whether an earlier try may have reached the platform (a timeout, a 5xx, a crash): only then is
-- the post looked for before the next try. A 429 or the limiter holding an item back sent nothing.
-- Failures that count towards giving up (5xx, timeouts); waiting for a rate limit never does.
alter table outbox
  add column maybe_sent boolean not null default false,
  add column failures integer not null default 0 check (failures >= 0);

alter table care_case
  add column satisfaction_at timestamptz,
  -- Set when the brand's webhook has been told the case is P1, so it is told once.
  add column p1_announced_at timestamptz;
update care_case set p1_announced_at = now() where priority = 1;
create index care_case_p1_unannounced on care_case (id)
  where priority = 1 and p1_announced_at is null and status not in ('resolved', 'closed');

alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check check (kind in (
  'sla_breach', 'promise_due', 'promise_broken', 'assignment', 'transfer', 'note_mention',
  'handoff_requested', 'handoff_accepted', 'handoff_declined', 'callback_scheduled', 'callback_due', 'handoff_done',
  'send_failed', 'low_satisfaction'));
