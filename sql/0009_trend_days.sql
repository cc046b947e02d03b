-- Day rollups: the hour rollups summed per day in the brand's time zone, so that a chart of a
-- quarter or a year reads a row per day and combination instead of twenty-four.

-- A day holds the hours whose start falls on that date in the brand's zone: the same rule the
-- series used summing hours, so a day point and the hours under it agree.
create table trend_day (
  brand_id          bigint not null references brand on delete cascade,
  day               date not null,
  platform          text not null,
  language          text not null,
  category          text not null,
  mentions          integer not null check (mentions >= 0),
  complaints        integer not null check (complaints >= 0 and complaints <= mentions),
  negative          integer not null check (negative >= 0),
  sentiment_sum     double precision not null,
  sentiment_squares double precision not null,
  primary key (brand_id, day, platform, language, category)
);

create table trend_reason_day (
  brand_id bigint not null references brand on delete cascade,
  day      date not null,
  platform text not null,
  language text not null,
  category text not null,
  signal   text not null,
  mentions integer not null check (mentions > 0),
  primary key (brand_id, day, platform, language, category, signal)
);

-- Queueing takes a lock on the queue row (a conflict updates the row instead of doing nothing):
-- a runner skips a row whose writer has not committed, and so never sums a bucket without that
-- writer's rows. With `do nothing`, a row already queued and taken by a runner after the insert
-- would be summed without the insert's rows, and not queued again. Rows are locked in key
-- order, so that two writers do not wait on each other in a circle.
create or replace function trend_mark_mentions() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into trend_dirty_hour (brand_id, hour)
    select distinct brand_id, date_trunc('hour', posted_at, 'UTC') from changed_rows where classified_at is not null
     order by 1, 2
    on conflict (brand_id, hour) do update set hour = excluded.hour;
    insert into trend_dirty_case (case_id)
    select distinct case_id from changed_rows where case_id is not null
     order by 1
    on conflict (case_id) do update set case_id = excluded.case_id;
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
      select * from (
        select new_brand, new_hour from changed where rolled_up and new_classified
        union
        select old_brand, old_hour from changed where rolled_up and old_classified) h
       order by 1, 2
      on conflict (brand_id, hour) do update set hour = excluded.hour
    )
    -- A case's row reads its mentions (first platform and language, category): filing a mention
    -- on it, or changing one filed there, changes the case's row.
    insert into trend_dirty_case (case_id)
    select * from (
      select new_case from changed where new_case is not null and (rolled_up or new_case is distinct from old_case)
      union
      select old_case from changed where old_case is not null and new_case is distinct from old_case) c
     order by 1
    on conflict (case_id) do update set case_id = excluded.case_id;
  end if;
  return null;
end $$;

create or replace function trend_mark_cases() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into trend_dirty_case (case_id) select id from changed_rows order by 1
    on conflict (case_id) do update set case_id = excluded.case_id;
  else
    -- A survivor's row counts the mentions of the cases merged into it: undoing a merge changes it too.
    insert into trend_dirty_case (case_id)
    select * from (
      select id from changed_rows
      union
      select o.merged_into_id from previous_rows o join changed_rows n on n.id = o.id
       where o.merged_into_id is not null and o.merged_into_id is distinct from n.merged_into_id) c
     order by 1
    on conflict (case_id) do update set case_id = excluded.case_id;
  end if;
  return null;
end $$;

-- A brand moving to another zone regroups its hours into other days: its day rows go, and every
-- hour it has is queued, so the rollup job builds the days again the way it keeps them current.
-- Its cases' business minutes are measured in the zone too: they are queued as well.
create function trend_regroup_days() returns trigger language plpgsql as $$
begin
  insert into trend_dirty_case (case_id)
  select c.id from changed_rows n join previous_rows o on o.id = n.id join care_case c on c.brand_id = n.id
   where n.time_zone is distinct from o.time_zone
   order by 1
  on conflict (case_id) do update set case_id = excluded.case_id;
  delete from trend_day d using changed_rows n join previous_rows o on o.id = n.id
   where d.brand_id = n.id and n.time_zone is distinct from o.time_zone;
  delete from trend_reason_day d using changed_rows n join previous_rows o on o.id = n.id
   where d.brand_id = n.id and n.time_zone is distinct from o.time_zone;
  insert into trend_dirty_hour (brand_id, hour)
  select distinct h.brand_id, h.hour
    from changed_rows n join previous_rows o on o.id = n.id join trend_hour h on h.brand_id = n.id
   where n.time_zone is distinct from o.time_zone
   order by 1, 2
  on conflict (brand_id, hour) do update set hour = excluded.hour;
  -- The case and satisfaction days: summed again under their new dates.
  delete from trend_case_day d using changed_rows n join previous_rows o on o.id = n.id
   where d.brand_id = n.id and n.time_zone is distinct from o.time_zone;
  delete from trend_satisfaction_day d using changed_rows n join previous_rows o on o.id = n.id
   where d.brand_id = n.id and n.time_zone is distinct from o.time_zone;
  insert into trend_dirty_case_day (brand_id, day)
  select distinct n.id, (s.asked_at at time zone n.time_zone)::date
    from changed_rows n join previous_rows o on o.id = n.id join care_case c on c.brand_id = n.id join satisfaction s on s.case_id = c.id
   where n.time_zone is distinct from o.time_zone
   order by 1, 2
  on conflict (brand_id, day) do update set day = excluded.day;
  return null;
end $$;
create trigger brand_trend_time_zone after update on brand
  referencing old table as previous_rows new table as changed_rows for each statement execute function trend_regroup_days();

-- Whatever hours are rolled up already make their days when the queue is next processed.
insert into trend_dirty_hour (brand_id, hour)
select distinct brand_id, hour from trend_hour
on conflict do nothing;

-- Business minutes to first response and to resolution, kept as histograms: bin k holds the
-- minutes in [1.05^k − 1, 1.05^(k+1) − 1), bin −1 exactly none (a case opened and answered
-- while the team was closed). A day's cases then add up bin by bin, however many there were,
-- and a median read off the bins is within a bin's width (5%) of the cases' own: within 1–2%
-- on spreads like real response times, where each bin's cases are spread about evenly.
-- A plain select, not strict: the planner inlines it into the queries that bin cases on the way.
create function trend_minutes_bin(minutes double precision) returns integer
  language sql immutable parallel safe
  as $$ select case when minutes <= 0 then -1 else floor(ln(1 + minutes) / ln(1.05))::integer end $$;

-- A period's cases, filtered by platform, language or category, are read from the index alone:
-- fetched from the table they would be a random read each, cases opening in no order of time.
drop index trend_case_brand_hour;
create index trend_case_period on trend_case (brand_id, opened_hour)
  include (platform, language, category, first_response_minutes, resolution_minutes, sla_met);

-- Per brand and day in its zone (of the hour each case opened): the cases and their clocks.
create table trend_case_day (
  brand_id            bigint not null references brand on delete cascade,
  day                 date not null,
  cases               integer not null check (cases > 0),
  sla_met             integer not null check (sla_met >= 0),
  sla_breached        integer not null check (sla_breached >= 0),
  -- {"bin": cases, …}: a row per day however the minutes spread.
  first_response_bins jsonb not null check (jsonb_typeof(first_response_bins) = 'object'),
  resolution_bins     jsonb not null check (jsonb_typeof(resolution_bins) = 'object'),
  primary key (brand_id, day)
);

-- Satisfaction asks per brand and day in its zone (of asked_at), by who and what they are about.
create table trend_satisfaction_day (
  brand_id bigint not null references brand on delete cascade,
  day      date not null,
  agent_id bigint references app_user on delete cascade,
  team_id  bigint references team on delete cascade,
  category text not null,
  asked    integer not null check (asked > 0),
  answered integer not null check (answered >= 0),
  score_1  integer not null,
  score_2  integer not null,
  score_3  integer not null,
  score_4  integer not null,
  score_5  integer not null
);
create unique index trend_satisfaction_day_key
  on trend_satisfaction_day (brand_id, day, coalesce(agent_id, 0), coalesce(team_id, 0), category);

-- Days of cases and asks to sum again: queued by the case rollup and by changes of asks. A day
-- is one queue row, taken by one runner at a time, so no two runners sum the same day at once.
create table trend_dirty_case_day (
  brand_id bigint not null,
  day      date not null,
  primary key (brand_id, day)
);

create function trend_mark_satisfaction() returns trigger language plpgsql as $$
begin
  insert into trend_dirty_case_day (brand_id, day)
  select distinct c.brand_id, (s.asked_at at time zone b.time_zone)::date
    from changed_rows s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id
   order by 1, 2
  on conflict (brand_id, day) do update set day = excluded.day;
  if tg_op = 'UPDATE' then
    insert into trend_dirty_case_day (brand_id, day)
    select distinct c.brand_id, (s.asked_at at time zone b.time_zone)::date
      from previous_rows s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id
     order by 1, 2
    on conflict (brand_id, day) do update set day = excluded.day;
  end if;
  return null;
end $$;
create trigger satisfaction_trend_insert after insert on satisfaction
  referencing new table as changed_rows for each statement execute function trend_mark_satisfaction();
create trigger satisfaction_trend_update after update on satisfaction
  referencing old table as previous_rows new table as changed_rows for each statement execute function trend_mark_satisfaction();

-- Summing a day's asks reads them by time.
create index satisfaction_asked on satisfaction (asked_at);

-- Every day with cases or asks is waiting to be summed.
insert into trend_dirty_case_day (brand_id, day)
select distinct t.brand_id, (t.opened_hour at time zone b.time_zone)::date from trend_case t join brand b on b.id = t.brand_id
union
select c.brand_id, (s.asked_at at time zone b.time_zone)::date
  from satisfaction s join care_case c on c.id = s.case_id join brand b on b.id = c.brand_id
on conflict do nothing;
