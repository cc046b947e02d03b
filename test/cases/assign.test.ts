// Choosing an owner, rule by rule, without a database.
import { describe, expect, it } from 'vitest'
import { chooseOwner, priorityWeight, type Candidate } from '../../worker/cases/assign'

const anna: Candidate = { id: '1', name: 'Anna', languages: ['et', 'en'], capacity: 10, load: 0, onShift: true }
const boris: Candidate = { id: '2', name: 'Boris', languages: ['ru', 'en'], capacity: 10, load: 0, onShift: true }
const carla: Candidate = { id: '3', name: 'Carla', languages: ['it'], capacity: 10, load: 0, onShift: false }

describe('chooseOwner', () => {
  it('never picks someone off shift, even the only speaker of the language', () => {
    expect(chooseOwner([anna, carla], { language: 'it', priority: 3, previousOwnerId: null })).toMatchObject({ ownerId: '1' })
  })

  it('leaves the case in the queue when nobody is on shift, and says so', () => {
    expect(chooseOwner([carla], { language: 'it', priority: 1, previousOwnerId: null })).toEqual({ ownerId: null, reason: 'nobody is on shift', nobodyOnShift: true })
  })

  it('prefers a speaker of the language over a lighter load', () => {
    const decision = chooseOwner([{ ...anna, load: 0 }, { ...boris, load: 6 }], { language: 'ru', priority: 3, previousOwnerId: null })
    expect(decision.ownerId).toBe('2')
    expect(decision.reason).toContain('speaks ru')
  })

  it('balances by load relative to capacity when language does not decide', () => {
    const decision = chooseOwner([{ ...anna, load: 4, capacity: 10 }, { ...boris, load: 3, capacity: 5 }], { language: 'en', priority: 4, previousOwnerId: null })
    expect(decision.ownerId).toBe('1') // 0.4 of capacity against 0.6
  })

  it('skips people whose capacity the case would exceed, weighting P1 as four units', () => {
    expect(priorityWeight(1)).toBe(4)
    expect(priorityWeight(4)).toBe(1)
    const full = [{ ...boris, load: 8 }, { ...anna, load: 9 }]
    expect(chooseOwner(full, { language: 'ru', priority: 2, previousOwnerId: null })).toMatchObject({ ownerId: null, reason: 'everyone on shift is at capacity', nobodyOnShift: false })
  })

  it('still gives a P1 to the least loaded person on shift when everyone is at capacity', () => {
    const decision = chooseOwner([{ ...boris, load: 9 }, { ...anna, load: 8 }], { language: 'ru', priority: 1, previousOwnerId: null })
    expect(decision.ownerId).toBe('1')
    expect(decision.reason).toContain('P1')
  })

  it('keeps a returning customer with their previous owner while that person is on shift', () => {
    expect(chooseOwner([anna, { ...boris, load: 9 }], { language: 'et', priority: 3, previousOwnerId: '2' })).toMatchObject({ ownerId: '2' })
    expect(chooseOwner([anna, { ...boris, onShift: false }], { language: 'ru', priority: 3, previousOwnerId: '2' })).toMatchObject({ ownerId: '1' })
  })
})
