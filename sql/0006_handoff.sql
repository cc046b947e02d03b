-- Executive handoff: the brand's webhook for handoff news, the callback's reminder and breach
-- marks, and the notifications the flow sends.

alter table brand
  -- Slack-compatible incoming webhook for handoff requested / accepted, callback due and P1 cases.
  add column handoff_webhook_url text check (handoff_webhook_url is null or handoff_webhook_url ~ '^https?://'),
  -- Key for the x-earshot-signature HMAC; a URL without a secret sends unsigned.
  add column handoff_webhook_secret text check (handoff_webhook_secret is null or length(handoff_webhook_secret) between 16 and 200);

alter table handoff
  add column accepted_at timestamptz,
  add column done_at     timestamptz,
  -- Each scheduled callback is reminded once and breached once; rescheduling clears both.
  add column reminded_at timestamptz,
  add column breached_at timestamptz,
  add check (status <> 'done' or done_at is not null);

-- The callback sweep: reminders still to send and callbacks that may have passed.
create index handoff_reminder_due on handoff (callback_at) where status = 'callback_scheduled' and reminded_at is null;
create index handoff_breach_due on handoff (callback_at) where status = 'callback_scheduled' and breached_at is null;

alter table notification drop constraint notification_kind_check;
alter table notification add constraint notification_kind_check check (kind in (
  'sla_breach', 'promise_due', 'promise_broken', 'assignment', 'transfer', 'note_mention',
  'handoff_requested', 'handoff_accepted', 'handoff_declined', 'callback_scheduled', 'callback_due', 'handoff_done'));
