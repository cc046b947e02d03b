// The satisfaction ask: a short text per language, a brand's own texts first, always postable on X.
import { describe, expect, it } from 'vitest'
import { askLengthLimit, defaultAsks, postLength, satisfactionAsk, satisfactionTexts } from '../../worker/satisfaction/ask'

const link = 'https://care.example.com/s/3q2-P1vXr8kD0aZbNw7yTt5Lm4cH9eUf'
// X allows display names of up to 50 characters.
const longestName = 'Maria-Magdalena Tamm-Kask-Ööbik, Customer of Years'.padEnd(50, 'x')

describe('defaultAsks', () => {
  const required = ['en', 'ru', 'it', 'et', 'de', 'fr', 'es', 'lv', 'lt', 'fi']

  it('has a text for each language Earshot serves', () => {
    expect(Object.keys(defaultAsks)).toEqual(expect.arrayContaining(required))
  })

  it.each(Object.entries(defaultAsks))('%s names the scale, the link and the customer once each', (_language, text) => {
    expect(text.match(/\{link\}/g)).toHaveLength(1)
    expect(text.match(/\{name\}/g)).toHaveLength(1)
    expect(text).toMatch(/1\b[^]*5\b/)
    expect(satisfactionTexts.safeParse({ en: text }).success).toBe(true)
  })

  it.each(Object.keys(defaultAsks))('%s fits on X with the longest name and any link', (language) => {
    const text = satisfactionAsk({ language, customerName: longestName, link })
    expect(text).toContain(longestName)
    expect(postLength(text)).toBeLessThanOrEqual(askLengthLimit)
  })
})

describe('satisfactionAsk', () => {
  it('fills in the name and the link', () => {
    expect(satisfactionAsk({ language: 'en', customerName: 'Anna', link })).toBe(
      `Hi Anna, your case is resolved. How did we do? Reply with a score from 1 (poor) to 5 (excellent), or tap to rate: ${link}`,
    )
  })

  it('leaves the name out cleanly when there is none', () => {
    expect(satisfactionAsk({ language: 'en', customerName: null, link })).toMatch(/^Hi, your case is resolved\./)
    expect(satisfactionAsk({ language: 'ru', customerName: '  ', link })).toMatch(/^Здравствуйте! Ваше обращение решено\./)
    expect(satisfactionAsk({ language: 'fi', link })).toMatch(/^Hei! Asiasi on ratkaistu\./)
  })

  it('uses the primary language of a tag', () => {
    expect(satisfactionAsk({ language: 'it-IT', customerName: 'Luca', link })).toMatch(/^Ciao Luca, la tua richiesta/)
    expect(satisfactionAsk({ language: 'DE', customerName: 'Jonas', link })).toMatch(/^Hallo Jonas, Ihr Anliegen/)
  })

  it('falls back to English for a language without a text', () => {
    const english = satisfactionAsk({ language: 'en', customerName: 'Ana', link })
    expect(satisfactionAsk({ language: 'pt', customerName: 'Ana', link })).toBe(english)
    expect(satisfactionAsk({ language: null, customerName: 'Ana', link })).toBe(english)
    expect(satisfactionAsk({ language: 'not a language', customerName: 'Ana', link })).toBe(english)
  })

  it("prefers the brand's text, then the default, then the brand's English", () => {
    const overrides = { it: 'Ciao {name}! Com’è andata? Un voto da 1 a 5: {link}', en: 'Hey {name}, rate us 1-5: {link}' }
    expect(satisfactionAsk({ language: 'it', customerName: 'Gio', link, overrides })).toBe(`Ciao Gio! Com’è andata? Un voto da 1 a 5: ${link}`)
    expect(satisfactionAsk({ language: 'ru', customerName: 'Олег', link, overrides })).toMatch(/^Здравствуйте, Олег!/)
    expect(satisfactionAsk({ language: 'pt', customerName: 'Ana', link, overrides })).toBe(`Hey Ana, rate us 1-5: ${link}`)
  })

  it('sends a text without a link as it is', () => {
    const overrides = { en: 'Thanks {name}! Reply with a score from 1 to 5.' }
    expect(satisfactionAsk({ language: 'en', customerName: 'Sam', link, overrides })).toBe('Thanks Sam! Reply with a score from 1 to 5.')
  })

  it('skips a stored text that does not pass the rules', () => {
    const overrides = { en: 'Hi {customer}, rate us: {link}' }
    expect(satisfactionAsk({ language: 'en', customerName: 'Sam', link, overrides })).toMatch(/^Hi Sam, your case is resolved/)
  })

  it('does not fill in placeholders found inside the name', () => {
    const text = satisfactionAsk({ language: 'en', customerName: '{link} $& $1', link })
    expect(text).toMatch(/^Hi \{link\} \$& \$1, your case/)
    expect(text.split(link)).toHaveLength(2)
  })

  it('leaves a name out rather than go over the limit', () => {
    const overrides = { en: `Hi {name}! ${'We would love to hear how it went. '.repeat(6).trim()} Score 1-5: {link}` }
    expect(satisfactionTexts.safeParse(overrides).success).toBe(true)
    const text = satisfactionAsk({ language: 'en', customerName: longestName, link, overrides })
    expect(text).not.toContain(longestName)
    expect(text).toMatch(/^Hi! We would love/)
    expect(postLength(text)).toBeLessThanOrEqual(askLengthLimit)
  })
})

describe('satisfactionTexts', () => {
  it('accepts texts by two-letter language, with or without a link', () => {
    const texts = { en: 'Hi {name}, rate us 1-5: {link}', et: 'Tere! Palun hinnake meid 1-5.' }
    expect(satisfactionTexts.parse(texts)).toEqual(texts)
    expect(satisfactionTexts.parse({})).toEqual({})
  })

  it('trims the texts', () => {
    expect(satisfactionTexts.parse({ en: '  Rate us 1-5: {link}  ' })).toEqual({ en: 'Rate us 1-5: {link}' })
  })

  it('names an unknown placeholder', () => {
    const result = satisfactionTexts.safeParse({ en: 'Hi {customer_name}, rate us: {link}' })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['unknown placeholder {customer_name}: only {name} and {link} can be filled in'])
    expect(result.error?.issues[0]?.path).toEqual(['en'])
  })

  it.each([
    ['a three-letter code', { eng: 'Rate us 1-5, please: {link}' }],
    ['a region tag', { 'en-GB': 'Rate us 1-5, please: {link}' }],
    ['an upper-case code', { EN: 'Rate us 1-5, please: {link}' }],
    ['a text under 10 characters', { en: '1-5?' }],
    ['a text over 240 characters', { en: `${'x'.repeat(235)} {link}` }],
    ['a link twice', { en: 'Rate us here {link} or here {link}' }],
    ['a name twice', { en: 'Hi {name}, {name}! Rate us 1-5.' }],
    ['an empty placeholder', { en: 'Rate us {} 1-5 please' }],
    ['a text too long for X once emoji count double', { en: '⭐'.repeat(140) + ' {link}' }],
    ['a text that is not a string', { en: 5 }],
  ])('rejects %s', (_why, texts) => {
    expect(satisfactionTexts.safeParse(texts).success).toBe(false)
  })
})

describe('postLength', () => {
  it('counts any link as 23 and emoji as two', () => {
    expect(postLength('Rate us: https://example.com/a/very/long/path/that/goes/on/and/on')).toBe(9 + 23)
    expect(postLength('Оценка 5')).toBe(8)
    expect(postLength('⭐⭐')).toBe(4)
    expect(postLength('评分')).toBe(4)
  })
})
