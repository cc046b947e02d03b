// The phrase index: every phrase is reachable, and reading a text through the index finds exactly
// what trying every phrase at every word start would find.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import demo from '../../../worker/sources/demo/mentions.json' with { type: 'json' }
import '../../../worker/classify/urgency/index'
import { leadOf, read, readWith, registeredPhrases, unindexedPhrases } from '../../../worker/classify/urgency/phrases'
import { normalize } from '../../../worker/classify/urgency/text'

const wordStarts = /(?<![\p{L}\p{N}])[\p{L}\p{N}]/gu

/** "id@position" of every phrase of the text's languages that matches at a word start. */
function bruteForce(text: string, lang: Language | 'other'): Set<string> {
  const found = new Set<string>()
  registeredPhrases().forEach((phrase, id) => {
    if (!readWith[lang].includes(phrase.lang)) return
    for (const start of text.matchAll(wordStarts)) {
      phrase.regex.lastIndex = start.index
      if (phrase.regex.test(text)) found.add(`${id}@${start.index}`)
    }
  })
  return found
}

function candidates(text: string, lang: Language | 'other'): Set<string> {
  const found = new Set<string>()
  for (const list of read(text, lang).candidates) {
    if (!list) continue
    for (let i = 0; i < list.length; i += 2) found.add(`${list[i]}@${list[i + 1]}`)
  }
  return found
}

describe('phrase index', () => {
  it('reaches every phrase', () => {
    expect(registeredPhrases().length).toBeGreaterThan(500)
    expect(unindexedPhrases()).toEqual([])
  })

  it('finds every hit a brute-force scan finds, in every demo text', () => {
    const texts: [string, Language | 'other'][] = [
      ...demo.map((mention): [string, Language] => [normalize(mention.text), mention.lang as Language]),
      [normalize('I’ve called 22 times, 112h without internet, my 84-year-old mum’s alarm is dead. €347 bill!'), 'other'],
      [normalize('Mein Vater (81): seit 3 Tagen kein Netz, 5mal angerufen, zum 4. Mal geschrieben.'), 'de'],
    ]
    let hits = 0
    for (const [text, lang] of texts) {
      const expected = bruteForce(text, lang)
      const got = candidates(text, lang)
      for (const hit of expected) expect(got.has(hit), `${hit} in "${text}"`).toBe(true)
      hits += expected.size
    }
    expect(hits).toBeGreaterThan(300)
  })

  it('reads which words a phrase can start with', () => {
    const lead = leadOf('(?:no|without) (?:internet|service)')
    expect(lead.stems).toEqual([
      { text: 'no', ends: 'word' },
      { text: 'without', ends: 'word' },
    ])
    expect(leadOf('kündig(?:e|en)').stems).toEqual([{ text: 'kündig', ends: 'prefix' }])
    expect(leadOf('(?<=(?:the|to) )press').stems).toEqual([{ text: 'press', ends: 'word' }])
    expect(leadOf('(?:haus)?notruf').stems.map((stem) => stem.text)).toEqual(['haus', 'notruf'])
    expect(leadOf('(?:\\d+|three) calls')).toMatchObject({ digit: true, any: false, stems: [{ text: 'three', ends: 'word' }] })
    expect(leadOf('\\p{L}*störung').any).toBe(true)
  })
})
