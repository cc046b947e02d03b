// The normalization every rule reads.
import { describe, expect, it } from 'vitest'
import { normalize } from '../../../worker/classify/urgency/text'

const words = (text: string) => normalize(text).split(/\s+/).filter((word) => word !== '')

describe('normalize', () => {
  it('lower-cases and drops @handles and URLs', () => {
    expect(words('@NordlinkCare Internet DOWN, see https://status.example.com/x and www.example.com')).toEqual(['internet', 'down,', 'see', 'and'])
    expect(words('Nice to see Nordlink on Mastodon (@nordlink@mastodon.social).')).toEqual(['nice', 'to', 'see', 'nordlink', 'on', 'mastodon', '(', ').'])
  })

  it('splits hashtags into words', () => {
    expect(normalize('#NoInternet #Nordlink #f4f')).toBe('no internet nordlink f4f')
  })

  it('collapses elongations to two letters', () => {
    expect(normalize('Sooooo angry, stilllll dooown')).toBe('soo angry, still doown')
  })

  it('reads ё as е and typographic apostrophes as plain ones', () => {
    expect(normalize('Ещё раз: I’m cancelling')).toBe("еще раз: i'm cancelling")
  })

  it('keeps line breaks (they end a clause)', () => {
    expect(normalize('No\nlawyer')).toBe('no\nlawyer')
  })
})
