// Reach from followers and the post's spread.
import { describe, expect, it } from 'vitest'
import { compactCount, reach } from '../../../worker/classify/urgency/reach'

describe('reach', () => {
  it('stays quiet for small accounts and quiet posts', () => {
    expect(reach(412, { reposts: 2, likes: 14 })).toBeNull()
    expect(reach(null, {})).toBeNull()
  })

  it('scores followers', () => {
    expect(reach(52_000, {})).toEqual({ signal: 'reach', points: 10, reason: '52k followers' })
    expect(reach(1_840, {})).toEqual({ signal: 'reach', points: 3, reason: '1.8k followers' })
    expect(reach(212_000, {})?.points).toBe(15)
  })

  it('scores spread, calling 100+ reposts viral', () => {
    expect(reach(412, { reposts: 156, likes: 412 })).toEqual({ signal: 'reach', points: 15, reason: 'viral: 156 reposts' })
    expect(reach(412, { reposts: 20, quotes: 10 })).toEqual({ signal: 'reach', points: 8, reason: '30 reposts' })
    expect(reach(412, { likes: 1_500 })).toEqual({ signal: 'reach', points: 8, reason: '1.5k likes' })
  })

  it('adds both parts up to the cap', () => {
    expect(reach(48_200, { reposts: 210, likes: 640 })).toEqual({ signal: 'reach', points: 20, reason: '48k followers, viral: 210 reposts' })
  })

  it('writes counts compactly', () => {
    expect([compactCount(950), compactCount(1_840), compactCount(48_200), compactCount(1_250_000)]).toEqual(['950', '1.8k', '48k', '1.2M'])
  })
})
