// Reach: how many people may see the post, from the author's followers and how far the post has
// already spread (reposts and quotes carry it beyond the followers; likes only hint at it).
import type { UrgencyInput, UrgencyReason } from '../types'
import { reachCap, reachFollowerPoints, reachLikePoints, reachSharePoints, viralShares } from './points'

function step(value: number, table: readonly { from: number; points: number }[]): number {
  for (const row of table) if (value >= row.from) return row.points
  return 0
}

/** 950 → "950", 1840 → "1.8k", 48200 → "48k", 1200000 → "1.2M". */
export function compactCount(n: number): string {
  if (n < 1000) return String(n)
  if (n < 10_000) return `${(Math.floor(n / 100) / 10).toString()}k`
  if (n < 1_000_000) return `${Math.floor(n / 1000)}k`
  return `${(Math.floor(n / 100_000) / 10).toString()}M`
}

/** A reach signal from the author's followers and the post's engagement; null when both are small. */
export function reach(followers: number | null, engagement: UrgencyInput['engagement']): UrgencyReason | null {
  const followerPoints = followers === null ? 0 : step(followers, reachFollowerPoints)
  const shares = (engagement.reposts ?? 0) + (engagement.quotes ?? 0)
  const likes = engagement.likes ?? 0
  const sharePoints = step(shares, reachSharePoints)
  const likePoints = step(likes, reachLikePoints)
  const spreadPoints = Math.max(sharePoints, likePoints)
  if (followerPoints + spreadPoints === 0) return null
  const parts: string[] = []
  if (followerPoints > 0 && followers !== null) parts.push(`${compactCount(followers)} followers`)
  if (spreadPoints > 0) {
    if (sharePoints >= likePoints) parts.push(`${shares >= viralShares ? 'viral: ' : ''}${compactCount(shares)} reposts`)
    else parts.push(`${compactCount(likes)} likes`)
  }
  return { signal: 'reach', points: Math.min(reachCap, followerPoints + spreadPoints), reason: parts.join(', ') }
}
