// Complaint terms: what the top-terms chart and the term spikes are made of.
import { describe, expect, it } from 'vitest'
import { languages } from '../../worker/classify/types'
import { stopWordsFor } from '../../worker/trends/stopwords'
import { countTerms, keptTerms, maxWordLength, termsKeptPerDay, termsOf } from '../../worker/trends/terms'

describe('termsOf', () => {
  it('keeps words and the phrases of neighbouring kept words, lower-cased, in order of appearance', () => {
    expect(termsOf('Billing error AGAIN: double charged', 'en')).toEqual(['billing', 'error', 'billing error', 'double', 'charged', 'double charged'])
  })

  it('drops links, handles, the # of hashtags, numbers, emoji and short words', () => {
    const text = 'RT @AcmeCare no #internet 3 days 😡 https://t.co/AbC123 www.acme.example/status see @anna.bsky.social @bob@mastodon.example'
    expect(termsOf(text, 'en')).toEqual(['internet', 'days'])
  })

  it('does not make a phrase across a stop word, a number, an emoji or punctuation', () => {
    expect(termsOf('router broken, modem fine', 'en')).toEqual(['router', 'broken', 'router broken', 'modem', 'fine', 'modem fine'])
    expect(termsOf('router and modem', 'en')).toEqual(['router', 'modem'])
    expect(termsOf('router 2 modem', 'en')).toEqual(['router', 'modem'])
    expect(termsOf('router🔥modem', 'en')).toEqual(['router', 'modem'])
  })

  it('splits at apostrophes and knows what English contractions leave behind', () => {
    expect(termsOf("Don't tell me it's fixed, it isn't", 'en')).toEqual(['tell', 'fixed'])
    expect(termsOf("l'assistenza non risponde", 'it')).toEqual(['assistenza', 'risponde'])
  })

  it('keeps hyphenated words together', () => {
    expect(termsOf('wi-fi down', 'en')).toEqual(['wi-fi', 'down', 'wi-fi down'])
  })

  it('removes the stop words of the mention language', () => {
    expect(termsOf('Интернет не работает уже три дня, деньги списали дважды', 'ru')).toEqual([
      'интернет', 'работает', 'три', 'дня', 'три дня', 'деньги', 'списали', 'деньги списали', 'дважды', 'списали дважды',
    ])
    expect(termsOf('Internet ei tööta juba kolm päeva, palun aidake', 'et')).toEqual(['internet', 'tööta', 'kolm', 'päeva', 'kolm päeva', 'aidake'])
    expect(termsOf('Das Internet geht seit Montag nicht, bitte helfen', 'de')).toEqual(['internet', 'geht', 'internet geht', 'montag', 'helfen'])
    expect(termsOf('La bolletta è sbagliata, per favore rimborso', 'it')).toEqual(['bolletta', 'sbagliata', 'rimborso'])
    expect(termsOf('La factura está mal, cobro doble por favor', 'es')).toEqual(['factura', 'mal', 'cobro', 'doble', 'cobro doble'])
  })

  it('uses every language list for an unknown language', () => {
    expect(termsOf('the internet está caído', null)).toEqual(['internet', 'caído'])
    expect(termsOf('the internet está caído', 'other')).toEqual(['internet', 'caído'])
    expect(termsOf('the internet está caído', 'fr')).toEqual(['internet', 'caído'])
  })

  it('folds styled letters and ё', () => {
    expect(termsOf('𝐬𝐮𝐩𝐩𝐨𝐫𝐭 ＯＵＴＡＧＥ', 'en')).toEqual(['support', 'outage', 'support outage'])
    expect(termsOf('счёт', 'ru')).toEqual(['счет'])
  })

  it('leaves out words too long to be words', () => {
    expect(termsOf(`${'a'.repeat(maxWordLength + 1)} outage`, 'en')).toEqual(['outage'])
  })

  it('gives the same terms for the same text every time', () => {
    const text = 'Outage outage OUTAGE again, outage since Monday'
    expect(termsOf(text, 'en')).toEqual(termsOf(text, 'en'))
    expect(termsOf(text, 'en')).toEqual(['outage', 'outage outage', 'monday'])
  })
})

describe('countTerms', () => {
  it('counts each complaint once per term however often it repeats it', () => {
    const counts = countTerms([
      { text: 'outage outage outage', language: 'en' },
      { text: 'another outage', language: 'en' },
      { text: 'billing', language: 'en' },
    ])
    expect(Object.fromEntries(counts)).toEqual({ outage: 2, 'outage outage': 1, billing: 1 })
  })
})

describe('keptTerms', () => {
  it('keeps the most frequent terms of a day, ties in term order, the same whatever order they came in', () => {
    const counts = new Map<string, number>()
    for (let n = 0; n < termsKeptPerDay + 50; n++) counts.set(`term${String(n).padStart(3, '0')}`, 1 + (n % 7))
    const kept = keptTerms(counts)
    expect(kept).toHaveLength(termsKeptPerDay)
    expect(kept[0]).toEqual(['term006', 7])
    // Every term left out is no more frequent than every term kept.
    const least = Math.min(...kept.map(([, count]) => count))
    const keptNames = new Set(kept.map(([term]) => term))
    for (const [term, count] of counts) if (!keptNames.has(term)) expect(count).toBeLessThanOrEqual(least)
    expect(keptTerms(new Map([...counts].reverse()))).toEqual(kept)
  })

  it('keeps every term of a quiet day', () => {
    expect(keptTerms(new Map([['router', 2], ['outage', 5]]))).toEqual([['outage', 5], ['router', 2]])
  })
})

describe('stop word lists', () => {
  it('are folded the way tokens are, and hold nothing the tokenizer would drop anyway', () => {
    for (const language of [...languages, null]) {
      for (const word of stopWordsFor(language)) {
        expect(word).toBe(word.normalize('NFKC').toLowerCase().replaceAll('ё', 'е'))
        expect([...word].length).toBeGreaterThanOrEqual(3)
      }
    }
  })

  it('keep the words complaints are made of', () => {
    for (const language of [...languages, null]) {
      for (const word of ['problem', 'bill', 'help', 'internet', 'refund', 'деньги', 'schlecht', 'arve']) {
        expect(stopWordsFor(language).has(word)).toBe(false)
      }
    }
  })
})
