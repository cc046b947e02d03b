-- Trends: rollups the marketing dashboard reads instead of the raw mentions, the queue of what
-- changed since they were last brought up to date, and spike alerts.

-- Per brand and UTC hour (of posted_at), platform, language ('other' when unknown) and category
-- (the mention's leading topical urgency signal, or 'general'): classified customer mentions only
-- (not spam, not the brand's own posts). Hours are truncated in UTC explicitly: date_trunc on a
-- timestamptz alone follows the session's TimeZone, and a zone with a half-hour offset would
-- then put the buckets at half past.
create table trend_hour (
  brand_id          bigint not null references brand on delete cascade,
  hour              timestamptz not null check (date_trunc('hour', hour, 'UTC') = hour),
  platform          text not null,
  language          text not null,
  category          text not null,
  mentions          integer not null check (mentions >= 0),
  complaints        integer not null check (complaints >= 0 and complaints <= mentions),
  negative          integer not null check (negative >= 0),
  -- Sum and sum of squares, so mean and spread of any set of buckets add up exactly.
  sentiment_sum     double precision not null,
  sentiment_squares double precision not null,
  primary key (brand_id, hour, platform, language, category)
);

-- How often each urgency signal was seen, in the same buckets.
create table trend_reason_hour (
  brand_id bigint not null references brand on delete cascade,
  hour     timestamptz not null check (date_trunc('hour', hour, 'UTC') = hour),
  platform text not null,
  language text not null,
  category text not null,
  signal   text not null,
  mentions integer not null check (mentions > 0),
  primary key (brand_id, hour, platform, language, category, signal)
);

-- Terms of complaints per brand, UTC day and language, stop words removed: what TF-IDF reads.
create table trend_term_day (
  brand_id   bigint not null references brand on delete cascade,
  day        date not null,
  language   text not null,
  term       text not null check (length(term) between 1 and 100),
  complaints integer not null check (complaints > 0),
  primary key (brand_id, day, language, term)
);

-- One row per case: its response and resolution times in the brand's business minutes and
-- whether its clocks were kept, by the hour it opened.
create table trend_case (
  case_id                bigint primary key references care_case on delete cascade,
  brand_id               bigint not null references brand on delete cascade,
  opened_hour            timestamptz not null,
  platform               text not null,
  language               text not null,
  category               text not null,
  team_id                bigint references team on delete set null,
  owner_id               bigint references app_user on delete set null,
  first_response_minutes double precision check (first_response_minutes >= 0),
  resolution_minutes     double precision check (resolution_minutes >= 0),
  -- Null while a clock still runs unbroken; false once any clock was breached.
  sla_met                boolean
);
create index trend_case_brand_hour on trend_case (brand_id, opened_hour);

-- What changed since the rollups were last brought up to date, filled by triggers so that no
-- code path (polls, re-classification, imports) can forget it. Processing a bucket recomputes
-- it from its mentions, so doing it twice changes nothing.
create table trend_dirty_hour (
  brand_id bigint not null,
  hour     timestamptz not null,
  primary key (brand_id, hour)
);
create table trend_dirty_case (
  case_id bigint primary key
);

create function trend_mark_mentions() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into trend_dirty_hour (brand_id, hour)
    select distinct brand_id, date_trunc('hour', posted_at, 'UTC') from changed_rows where classified_at is not null
    on conflict do nothing;
    insert into trend_dirty_case (case_id)
    select distinct case_id from changed_rows where case_id is not null
    on conflict do nothing;
  else
    -- Routing and other bookkeeping update mentions too; only a change of what the rollups read
    -- counts, whichever code path made it (classification, a correction, an import).
    with changed as (
      select n.brand_id as new_brand, date_trunc('hour', n.posted_at, 'UTC') as new_hour, n.classified_at is not null as new_classified,
             o.brand_id as old_brand, date_trunc('hour', o.posted_at, 'UTC') as old_hour, o.classified_at is not null as old_classified,
             n.case_id as new_case, o.case_id as old_case,
             (n.classified_at, n.model_version, n.posted_at, n.brand_id, n.platform, n.kind, n.language, n.sentiment,
              n.sentiment_label, n.complaint, n.urgency_reasons, n.text)
               is distinct from
             (o.classified_at, o.model_version, o.posted_at, o.brand_id, o.platform, o.kind, o.language, o.sentiment,
              o.sentiment_label, o.complaint, o.urgency_reasons, o.text) as rolled_up
        from changed_rows n join previous_rows o on o.id = n.id
    ), hours as (
      insert into trend_dirty_hour (brand_id, hour)
      select new_brand, new_hour from changed where rolled_up and new_classified
      union
      select old_brand, old_hour from changed where rolled_up and old_classified
      on conflict do nothing
    )
    -- A case's row reads its mentions (first platform and language, category): filing a mention
    -- on it, or changing one filed there, changes the case's row.
    insert into trend_dirty_case (case_id)
    select new_case from changed where new_case is not null and (rolled_up or new_case is distinct from old_case)
    union
    select old_case from changed where old_case is not null and new_case is distinct from old_case
    on conflict do nothing;
  end if;
  return null;
end $$;
create trigger mention_trend_insert after insert on mention
  referencing new table as changed_rows for each statement execute function trend_mark_mentions();
create trigger mention_trend_update after update on mention
  referencing old table as previous_rows new table as changed_rows for each statement execute function trend_mark_mentions();

create function trend_mark_cases() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into trend_dirty_case (case_id) select id from changed_rows on conflict do nothing;
  else
    -- A survivor's row counts the mentions of the cases merged into it: undoing a merge changes it too.
    insert into trend_dirty_case (case_id)
    select id from changed_rows
    union
    select o.merged_into_id from previous_rows o join changed_rows n on n.id = o.id
     where o.merged_into_id is not null and o.merged_into_id is distinct from n.merged_into_id
    on conflict do nothing;
  end if;
  return null;
end $$;
create trigger care_case_trend_insert after insert on care_case
  referencing new table as changed_rows for each statement execute function trend_mark_cases();
create trigger care_case_trend_update after update on care_case
  referencing old table as previous_rows new table as changed_rows for each statement execute function trend_mark_cases();

-- Everything already there is waiting to be rolled up.
insert into trend_dirty_hour (brand_id, hour)
select distinct brand_id, date_trunc('hour', posted_at, 'UTC') from mention where classified_at is not null;
insert into trend_dirty_case (case_id) select id from care_case;

-- An unusual rise of complaints for a brand, overall or for one urgency signal or term.
create table spike_alert (
  id           bigint generated always as identity primary key,
  brand_id     bigint not null references brand on delete cascade,
  kind         text not null check (kind in ('volume', 'reason', 'term')),
  -- The signal or term; '' for the brand's whole complaint volume.
  key          text not null default '',
  window_start timestamptz not null,
  window_end   timestamptz not null check (window_end > window_start),
  observed     integer not null check (observed >= 0),
  expected     double precision not null check (expected >= 0),
  score        double precision not null,
  terms        jsonb not null default '[]' check (jsonb_typeof(terms) = 'array'),
  sample_mention_ids jsonb not null default '[]' check (jsonb_typeof(sample_mention_ids) = 'array'),
  detected_at  timestamptz not null default now(),
  -- While the rise lasts the same alert is extended, not raised again each window.
  last_seen_at timestamptz not null default now(),
  ended_at     timestamptz,
  webhook_sent_at timestamptz,
  -- Hidden from the banner by someone; it still counts as open until the rise ends.
  dismissed_at timestamptz,
  dismissed_by bigint references app_user
);
-- At most one running alert per brand, kind and key.
create unique index spike_alert_open on spike_alert (brand_id, kind, key) where ended_at is null;
create index spike_alert_recent on spike_alert (brand_id, detected_at desc);

-- Bringing an hour or a day up to date reads that stretch of the brand's mentions.
create index mention_brand_posted on mention (brand_id, posted_at);
-- A survivor's row reads the mentions of the cases merged into it.
create index care_case_merged_into on care_case (merged_into_id) where merged_into_id is not null;

-- The spike detector reads recent complaint counts straight from the mentions, by arrival.
create index mention_brand_received_complaint on mention (brand_id, received_at) where complaint;

-- Term history (df) and full counts of the few candidate terms: index-only probes.
create index trend_term_day_term on trend_term_day (brand_id, language, term, day) include (complaints);
-- A period's busier rows first: most term rows are one complaint on one day.
create index trend_term_day_busy on trend_term_day (brand_id, day) include (language, term, complaints) where complaints > 1;
