import { z } from 'zod'

/** A platform's rate-limit window as its own headers last described it. */
export const rateLimitState = z.object({
  limit: z.number().int().nonnegative().nullable(),
  remaining: z.number().int().nonnegative().nullable(),
  resetAt: z.iso.datetime().nullable(),
})
export type RateLimitState = z.infer<typeof rateLimitState>
