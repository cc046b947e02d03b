-- The care team's inbox: log-in throttling, reply templates, who has a case open or is typing.

-- Every log-in attempt, so that guessing passwords is slowed down per account and per address
-- on both runtimes (a Worker has no memory between requests).
create table login_attempt (
  id           bigint generated always as identity primary key,
  email        text not null,
  ip           text,
  succeeded    boolean not null,
  attempted_at timestamptz not null default now()
);
create index login_attempt_email on login_attempt (lower(email), attempted_at desc);
create index login_attempt_ip on login_attempt (ip, attempted_at desc) where ip is not null;

-- Replies the team reuses. Variables in braces ({customer_name}, {case_number}, {agent_name},
-- {next_staffed_time}) are filled in by the composer.
create table reply_template (
  id         bigint generated always as identity primary key,
  brand_id   bigint not null references brand on delete cascade,
  name       text not null check (length(btrim(name)) between 1 and 100),
  -- Where it fits: a public reply, a private message, or either.
  channel    text not null default 'any' check (channel in ('public', 'private', 'any')),
  -- Null: for every language.
  language   text check (language ~ '^[a-z]{2}$'),
  body       text not null check (length(btrim(body)) between 1 and 5000),
  -- The template that moves a public conversation to a private channel.
  moves_to_private boolean not null default false,
  updated_by bigint references app_user on delete set null,
  updated_at timestamptz not null default now()
);
create unique index reply_template_name on reply_template (brand_id, lower(name), coalesce(language, ''));

-- Who has a case open, and who is typing a reply in it: refreshed by each open browser every few
-- seconds, read by everyone else on the case; rows older than a minute mean nothing.
create table case_presence (
  case_id bigint not null references care_case on delete cascade,
  user_id bigint not null references app_user on delete cascade,
  typing  boolean not null default false,
  seen_at timestamptz not null default now(),
  primary key (case_id, user_id)
);
create index case_presence_seen on case_presence (seen_at);

-- The inbox counts open cases per platform through their mentions.
create index mention_case_platform on mention (case_id, platform);

-- Teams filter the inbox by language all day; this keeps that page an ordered index read too.
create index care_case_inbox_language on care_case (brand_id, language, priority, sla_due_at)
  where status not in ('resolved', 'closed');
