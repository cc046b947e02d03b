-- Classification results that the inbox filters and sorts on directly.
alter table mention
  add column complaint boolean,
  add column priority  smallint check (priority between 1 and 4),
  -- Language stays null when none of ours was recognised.
  add check (classified_at is null or (complaint is not null and priority is not null));

-- Re-classification walks mentions by model version.
create index mention_model_version on mention (model_version, id);
