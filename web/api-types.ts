// The API's shapes as the web app reads them (scratch/inbox-api.md, worker/cases/queries.ts,
// worker/cases/timeline.ts). Times arrive as ISO strings; ids as strings of digits.

export type Role = 'agent' | 'executive' | 'marketing' | 'admin'
export const roles: readonly Role[] = ['agent', 'executive', 'marketing', 'admin']

/** An RFC 9457 problem, as every error answer of the API is shaped. */
export interface Problem {
  type?: string
  status?: number
  title?: string
  detail?: string
  [member: string]: unknown
}

// ---- session and people ----

export interface Me {
  id: string
  email: string
  name: string
  role: Role
  languages?: string[]
}

export interface User {
  id: string
  name: string
  email: string
  role: Role
  languages: string[]
  on_shift: boolean
}

// ---- the inbox ----

export interface Reason {
  signal: string
  points: number
  /** e.g. "down 3 days", "regulator", "4th contact". */
  reason: string
}

export type CaseStatus = 'new' | 'open' | 'waiting_on_customer' | 'handed_off' | 'resolved' | 'closed'

export interface CaseSummary {
  id: string
  brand_id: string
  status: CaseStatus | string
  priority: number
  owner: { id: string; name: string } | null
  customer: { id: string; name: string | null; handle: string | null; platform: string | null }
  language: string | null
  opened_at: string
  last_customer_message_at: string | null
  first_response_at: string | null
  first_response_due_at: string | null
  next_response_due_at: string | null
  resolution_due_at: string | null
  sla_due_at: string | null
  resolved_at: string | null
  mentions: number
  latest_text: string | null
  reasons: Reason[]
}

export type CaseView = 'mine' | 'unassigned' | 'team' | 'all'
export type StatusFilter = 'open' | 'new' | 'waiting' | 'handed_off' | 'resolved' | 'all'
export type Platform = 'x' | 'bluesky' | 'mastodon' | 'demo'
export const platforms: readonly Platform[] = ['x', 'bluesky', 'mastodon', 'demo']

export interface CaseCounts {
  all: number
  mine: number
  unassigned: number
  team: number
  priority: Record<string, number>
  language: Record<string, number>
  platform: Record<string, number>
  status: Record<string, number>
}

export interface CaseList {
  cases: CaseSummary[]
  /** Absent from servers older than issue 7. */
  counts?: CaseCounts
}

// ---- a case ----

export const caseEventKinds = [
  'mention', 'reply', 'note', 'assignment', 'status', 'priority', 'promise', 'reminder',
  'handoff', 'callback', 'satisfaction', 'merge', 'sla', 'acknowledgement',
] as const
export type CaseEventKind = (typeof caseEventKinds)[number]

export interface TimelineMention {
  id: string
  platform: string
  text: string
  url: string | null
  author_handle: string
  posted_at: string
  language: string | null
  sentiment: number | null
  urgency_reasons: Reason[]
}

export interface TimelineEvent {
  id: string
  case_id: string
  kind: CaseEventKind
  actor: { id: string; name: string } | null
  occurred_at: string
  /** Free-form per kind; read with the helpers in case/timeline.tsx. */
  body: Record<string, unknown>
  mention: TimelineMention | null
}

export interface CaseDetail {
  case: CaseSummary
  timeline: TimelineEvent[]
  /** When someone of the team is next on shift (now, if someone is), and that time as the customer reads it. */
  next_staffed_at: string | null
  next_staffed_time: string | null
}

export interface Identity {
  id: string
  customer_id: string
  platform: string
  platform_user_id: string
  handle: string | null
  display_name: string | null
  followers: number | null
  verified: boolean | null
  profile_url: string | null
  updated_at: string
}

export interface CustomerCase {
  id: string
  brand_id: string
  brand_name: string
  customer_id: string
  status: string
  priority: number
  owner: { id: string; name: string } | null
  subject: string | null
  language: string | null
  merged_into_id: string | null
  opened_at: string
  sla_due_at: string | null
  resolved_at: string | null
  closed_at: string | null
}

export interface CustomerView {
  customer: { id: string; display_name: string | null; merged_into_id: string | null; created_at: string }
  merged_customer_ids: string[]
  identities: Identity[]
  cases: CustomerCase[]
  merges: { id: string; survivor_id: string; merged_id: string; reason: string; merged_at: string; undone_at: string | null }[]
}

export interface Presence {
  user_id: string
  name: string
  typing: boolean
  seen_at: string
}

export interface Template {
  id: string
  brand_id: string
  name: string
  channel: 'public' | 'private' | 'any'
  language: string | null
  body: string
  moves_to_private: boolean
}

export interface ToneWarning {
  phrase: string
  why: string
}

export interface ReplyCreated {
  eventId: string
  promiseId: string | null
  warnings?: ToneWarning[]
}

export interface NoteCreated {
  eventId: string
  mentioned: string[]
}

export interface Notification {
  id: string
  case_id: string | null
  kind: 'sla_breach' | 'promise_due' | 'promise_broken' | 'assignment' | 'transfer' | 'note_mention' | string
  body: Record<string, unknown>
  created_at: string
  read_at: string | null
}

/** What GET /api/events sends as the data of each `case` event. */
export interface LiveEvent {
  id: string
  case_id: string
  kind: CaseEventKind | string
  occurred_at: string
}

// ---- admin ----

export interface AdminUser {
  id: string
  email: string
  name: string
  role: Role
  languages: string[]
  capacity: number
  active: boolean
  teams?: { id: string; name: string; brand_id: string }[]
}

export interface Shift {
  weekday: number
  starts_at: string
  ends_at: string
}

export interface Team {
  id: string
  brand_id: string
  name: string
  lead: { id: string; name: string } | null
  members: { id: string; name: string; role: Role; active: boolean }[]
}

export interface Brand {
  id: string
  name: string
  time_zone: string
  always_staffed?: boolean
  reopen_window_days?: number
  promise_reminder_minutes?: number
}

export interface BusinessHours {
  weekday: number
  opens_at: string
  closes_at: string
}

export interface Holiday {
  day: string
  name: string
}

export interface SlaPolicy {
  priority: number
  first_response_minutes: number
  next_response_minutes: number
  resolution_minutes: number
}

export interface Source {
  id: string
  brand_id: string
  platform: string
  kind: string
  name: string | null
  query: string | null
  settings: Record<string, unknown>
  enabled: boolean
  poll_interval_seconds: number
  status: 'ok' | 'failing' | 'waiting' | 'paused' | 'stopped' | string
  last_polled_at: string | null
  last_success_at: string | null
  next_poll_at: string | null
  lag_seconds: number | null
  last_error: string | null
  last_error_at: string | null
  stopped_at: string | null
  consecutive_failures: number
  mentions: number
  rejected: number
}
