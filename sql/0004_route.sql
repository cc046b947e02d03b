-- Routing: every classified mention is filed on its customer's case (or, for spam and the
-- brand's own posts, deliberately on none); SLA clocks and their breaches; promise reminders;
-- customer merges that can be undone; in-app notifications.

-- Set once routing has dealt with a mention, whether or not it filed it on a case.
alter table mention add column routed_at timestamptz;
create index mention_unrouted on mention (id) where routed_at is null and classified_at is not null;
-- Replies in a thread find the case their conversation is on.
create index mention_in_reply_to on mention (platform, in_reply_to_id) where in_reply_to_id is not null;

alter table brand
  -- How long before a promise falls due its owner is reminded.
  add column promise_reminder_lead interval not null default interval '1 hour'
             check (promise_reminder_lead >= interval '0');

alter table care_case
  -- The language most of the customer's words are in, for routing and the inbox filters.
  add column language text check (language ~ '^[a-z]{2}$'),
  -- Each clock is marked once when it passes; sla_due_at then moves to the next running clock.
  add column first_response_breached_at timestamptz,
  add column next_response_breached_at  timestamptz,
  add column resolution_breached_at     timestamptz,
  -- Business minutes the resolution clock had left when the case began waiting on the customer.
  add column resolution_paused_minutes  integer check (resolution_paused_minutes >= 0),
  -- The last automatic acknowledgement, so a customer writing twice at night gets one, not two.
  add column acknowledged_at timestamptz,
  -- One owner_id column cannot hold two owners; a merged (closed) case hands its ownership to
  -- the survivor, so it holds none.
  add check (merged_into_id is null or owner_id is null);

-- The SLA sweep: running clocks by due time.
create index care_case_sla_due on care_case (sla_due_at) where sla_due_at is not null and status not in ('resolved', 'closed');
-- Cases waiting in the team queue, most urgent first.
create index care_case_queue on care_case (brand_id, priority, opened_at)
  where owner_id is null and status not in ('resolved', 'closed');

alter table promise
  add column reminded_at timestamptz;
create index promise_reminder_due on promise (due_at) where status = 'open' and reminded_at is null;

-- Customers are merged when an agent recognises one person behind identities on different
-- platforms. The merged customer points at the survivor (customer.merged_into_id); this row
-- records what else changed, so that undoing the merge restores it exactly.
create table customer_merge (
  id          bigint generated always as identity primary key,
  survivor_id bigint not null references customer,
  merged_id   bigint not null references customer,
  reason      text not null check (length(btrim(reason)) between 1 and 1000),
  merged_by   bigint references app_user,
  merged_at   timestamptz not null default now(),
  -- {"cases": [{"id", "status", "owner_id", "resolved_at", "closed_at", "into"}], "repointed": [customer ids]}
  changes     jsonb not null default '{}' check (jsonb_typeof(changes) = 'object'),
  undone_by   bigint references app_user,
  undone_at   timestamptz,
  check (survivor_id <> merged_id),
  check (undone_at is null or undone_at >= merged_at)
);
-- A customer is merged into at most one other at a time.
create unique index customer_merge_active on customer_merge (merged_id) where undone_at is null;
create index customer_merge_survivor on customer_merge (survivor_id);
create index customer_merged_into on customer (merged_into_id) where merged_into_id is not null;

-- What a person is told in the app: SLA breaches, promises due or broken, assignments.
create table notification (
  id         bigint generated always as identity primary key,
  user_id    bigint not null references app_user on delete cascade,
  case_id    bigint references care_case,
  kind       text not null check (kind in ('sla_breach', 'promise_due', 'promise_broken', 'assignment', 'transfer', 'note_mention')),
  body       jsonb not null default '{}' check (jsonb_typeof(body) = 'object'),
  -- The same event never notifies the same person twice, however many sweeps see it.
  dedupe_key text not null check (length(dedupe_key) between 1 and 200),
  created_at timestamptz not null default now(),
  read_at    timestamptz,
  unique (user_id, dedupe_key)
);
create index notification_unread on notification (user_id, created_at desc) where read_at is null;
