// Who should own a case: pure, so every rule can be tested without a database.
import type { Priority } from '../classify/types'

/** A possible owner as routing sees them at one moment. */
export interface Candidate {
  id: string
  name: string
  languages: readonly string[]
  /** Open work they can carry, in priority-weighted units. */
  capacity: number
  /** Open work they carry now, in the same units. */
  load: number
  onShift: boolean
}

export interface AssignmentRequest {
  language: string | null
  priority: Priority
  /** Whoever owned this customer's last case; kept when on shift, so the customer talks to one person. */
  previousOwnerId: string | null
}

export type AssignmentDecision = { ownerId: string; reason: string } | { ownerId: null; reason: string; nobodyOnShift: boolean }

/** A P1 case weighs four P4s: capacity is about attention, not ticket counts. */
export function priorityWeight(priority: number): number {
  return 5 - priority
}

/**
 * The owner for a case, or none (it waits in the team queue). Only people on shift are chosen;
 * a returning customer's previous owner first; then people who speak the case's language, if any
 * of them has room; then whoever has the most room relative to their capacity.
 */
export function chooseOwner(candidates: readonly Candidate[], request: AssignmentRequest): AssignmentDecision {
  const onShift = candidates.filter((candidate) => candidate.onShift)
  if (onShift.length === 0) return { ownerId: null, reason: 'nobody is on shift', nobodyOnShift: true }
  const previous = onShift.find((candidate) => candidate.id === request.previousOwnerId)
  if (previous) return { ownerId: previous.id, reason: `${previous.name} handled this customer before and is on shift` }

  const weight = priorityWeight(request.priority)
  const withRoom = onShift.filter((candidate) => candidate.load + weight <= candidate.capacity)
  if (withRoom.length === 0) {
    // Capacity paces ordinary work; a P1 never waits in the queue while someone is on shift.
    if (request.priority !== 1) return { ownerId: null, reason: 'everyone on shift is at capacity', nobodyOnShift: false }
    const least = lightest(onShift)
    return { ownerId: least.id, reason: `${least.name}: P1 and everyone on shift is at capacity; lightest load (${least.load} of ${least.capacity})` }
  }
  const speakers = request.language === null ? [] : withRoom.filter((candidate) => candidate.languages.includes(request.language!))
  const best = lightest(speakers.length > 0 ? speakers : withRoom)
  const because = speakers.length > 0 ? `speaks ${request.language}, ` : ''
  return { ownerId: best.id, reason: `${best.name}: on shift, ${because}lightest load (${best.load} of ${best.capacity})` }
}

function lightest(pool: readonly Candidate[]): Candidate {
  let best = pool[0]!
  for (const candidate of pool) if (share(candidate) < share(best) || (share(candidate) === share(best) && Number(candidate.id) < Number(best.id))) best = candidate
  return best
}

function share(candidate: Candidate): number {
  return candidate.load / candidate.capacity
}
