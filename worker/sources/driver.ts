import type { z } from 'zod'
import type { Clock } from '../listen/clock'
import type { RateLimiters } from './limiter'
import type { Platform } from './mention'
import type { MentionSource } from './source'

export const sourceKinds = ['mentions', 'search', 'hashtag', 'direct_messages', 'replay'] as const
export type SourceKind = (typeof sourceKinds)[number]

/** A `source` row as a driver needs it. */
export interface SourceConfig<Settings> {
  id: string
  platform: Platform
  kind: SourceKind
  query: string | null
  settings: Settings
}

export interface SourceContext {
  /** Where credentials come from: process.env on Node, the Worker's secrets on Workers. */
  secrets: Readonly<Record<string, string | undefined>>
  limiters: RateLimiters
  clock: Clock
  /** Every outbound request gives up after this long: a stalled API must not stall the poller. */
  requestTimeoutMs: number
}

/** Everything Earshot knows about one network: which kinds it offers, its settings, how to poll it. */
export interface SourceDriver<Schema extends z.ZodType = z.ZodType> {
  platform: Platform
  kinds: readonly SourceKind[]
  /** Validates a source's `settings` when an admin saves it and again before each poll. */
  settings: Schema
  /** What a valid settings object still lacks for this kind, e.g. an account id; empty when complete. */
  problems?(kind: SourceKind, settings: z.infer<Schema>): string[]
  create(source: SourceConfig<z.infer<Schema>>, context: SourceContext): MentionSource
}
