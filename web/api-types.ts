// The API's shapes as the web app reads them (scratch/inbox-api.md). Where the server declares a
// shape it is taken from there, as JSON carries it (Json); only type imports, which the bundle
// never sees. Times arrive as ISO strings; ids as strings of digits.
import type { AdminBrand } from '../worker/admin/brands'
import type { AdminTeam } from '../worker/admin/teams'
import type { AdminUser as ServerAdminUser, Shift as ServerShift } from '../worker/admin/users'
import type { Role as ServerRole } from '../worker/auth/session'
import type { RecordedNote } from '../worker/cases/notes'
import type { PresentPerson } from '../worker/cases/presence'
import type { CaseSummary as ServerCaseSummary, InboxCounts, InboxStatus, InboxView } from '../worker/cases/queries'
import type { RecordedReply } from '../worker/cases/reply'
import type { CaseEventKind as ServerCaseEventKind, TimelineEvent as ServerTimelineEvent, TimelineMention as ServerTimelineMention } from '../worker/cases/timeline'
import type { ToneWarning as ServerToneWarning } from '../worker/cases/tone'
import type { CallbackChannel as ServerCallbackChannel, HandoffRow, HandoffStatus as ServerHandoffStatus } from '../worker/handoff/flow'
import type { QueueItem } from '../worker/handoff/queue'
import type { LiveEvent as ServerLiveEvent } from '../worker/live/events'
import type { NotificationKind, NotificationRow } from '../worker/notify/notify'
import type { Platform as ServerPlatform } from '../worker/sources/mention'
import type { ReplyTemplate } from '../worker/templates/routes'
import type { SpikeAlertView, TrendBucket as ServerTrendBucket, TrendMention as ServerTrendMention, TrendsReport as ServerTrendsReport } from '../worker/trends/types'
import type { Colleague, Me as ServerMe, UserName as ServerUserName } from '../worker/users/routes'

/** A server type as JSON carries it: its Dates are ISO strings, at any depth. */
export type Json<T> = T extends Date ? string : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T

export type Role = ServerRole
// The lists themselves stay here: the server's modules would bring their dependencies into the bundle.
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

/** GET /api/me; the log-in's answer, which stands in until /api/me answers, has no languages. */
export type Me = Omit<ServerMe, 'languages'> & Partial<Pick<ServerMe, 'languages'>>

export type User = Colleague
export type UserName = ServerUserName

// ---- the inbox ----

export type CaseStatus = 'new' | 'open' | 'waiting_on_customer' | 'handed_off' | 'resolved' | 'closed'

export type CaseSummary = Json<ServerCaseSummary>

export type CaseView = InboxView
export type StatusFilter = InboxStatus
export type Platform = ServerPlatform
export const platforms: readonly Platform[] = ['x', 'bluesky', 'mastodon', 'demo']

export type CaseCounts = InboxCounts

export interface CaseList {
  cases: CaseSummary[]
  /** Fetched apart from the page (GET /api/cases/counts); absent until that answers. */
  counts?: CaseCounts
}

// ---- a case ----

export type CaseEventKind = ServerCaseEventKind
export type TimelineMention = Json<ServerTimelineMention>
/** `body` is free-form per kind; read it with the helpers in case/timeline.tsx. */
export type TimelineEvent = Json<ServerTimelineEvent>

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

export type Presence = Json<PresentPerson>

export type Template = ReplyTemplate

export type ToneWarning = ServerToneWarning

export type ReplyCreated = RecordedReply & { warnings?: ToneWarning[] }

export type NoteCreated = RecordedNote

/** A kind this app does not know yet is shown by its name. */
export type Notification = Json<Omit<NotificationRow, 'kind'>> & { kind: NotificationKind | string }

/** What GET /api/events sends as the data of each `case` event. */
export type LiveEvent = Json<ServerLiveEvent>

// ---- executive handoff ----

export type HandoffStatus = ServerHandoffStatus
export type CallbackChannel = ServerCallbackChannel
export const callbackChannels: readonly CallbackChannel[] = ['phone', 'x', 'bluesky', 'mastodon', 'email']

/** What every handoff action answers: `{ handoff }`. */
export type Handoff = Json<HandoffRow>

/** One entry of GET /api/handoffs, the executive's queue. */
export type HandoffItem = Json<QueueItem>

// ---- admin ----

export type AdminUser = Json<ServerAdminUser>

export type Shift = ServerShift

export type Team = Json<AdminTeam>

export type Brand = Json<AdminBrand>

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

// ---- trends ----

export type TrendBucket = ServerTrendBucket
export const trendBuckets: readonly TrendBucket[] = ['hour', 'day']

/** GET /api/trends. */
export type TrendsReport = Json<ServerTrendsReport>
export type TrendPoint = TrendsReport['series'][number]
export type TrendReason = TrendsReport['reasons'][number]
export type TrendTerm = TrendsReport['terms'][number]
export type SatisfactionGroup = TrendsReport['satisfaction']['teams'][number]

/** One entry of GET /api/trends/mentions, the mentions behind a point of a chart. */
export type TrendMention = Json<ServerTrendMention>

export interface TrendMentionPage {
  mentions: TrendMention[]
  /** Pass as `before` for the next page; null on the last one. */
  next: string | null
}

/** What GET /api/trends/export.csv can export (`chart=`). */
export type TrendChart = 'series' | 'reasons' | 'terms' | 'response' | 'satisfaction'

/** One entry of GET /api/trends/alerts. */
export type SpikeAlert = Json<SpikeAlertView>
