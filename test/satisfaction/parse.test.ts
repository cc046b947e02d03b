// Reading replies to the satisfaction ask. A missed score costs little (the reply stays a message
// on the case); a wrong one puts a number in the agent's figures, so the negatives matter as much.
import { describe, expect, it } from 'vitest'
import { isSatisfactionScore, parseSatisfaction } from '../../worker/satisfaction/parse'

type Positive = [text: string, language: string | null, score: number, comment: string | null]

const english: Positive[] = [
  ['@acme 5', 'en', 5, null],
  ['@acme 1', 'en', 1, null],
  ['@acme 5/5', 'en', 5, null],
  ['@acme 3 / 5', 'en', 3, null],
  ['@acme 4 out of 5', 'en', 4, null],
  ['@acme 2 of 5 stars', 'en', 2, null],
  ["@acme I'd give it a 4", 'en', 4, null],
  ['@acme I’d give you a 4, the agent was kind', 'en', 4, 'the agent was kind'],
  ['@acme 4 stars', 'en', 4, null],
  ['@acme five stars for Anna!', 'en', 5, 'for Anna!'],
  ['@acme 5-star service', 'en', 5, 'service'],
  ['@acme 5* thanks', 'en', 5, 'thanks'],
  ['@acme five', 'en', 5, null],
  ['@acme Five! Fixed within the hour.', 'en', 5, 'Fixed within the hour.'],
  ['@acme a solid four', 'en', 4, null],
  ["@acme it's a 3 from me", 'en', 3, null],
  ['@acme rating: 4 — fast and friendly', 'en', 4, 'fast and friendly'],
  ['@acme my rating is 2. Took too long', 'en', 2, 'Took too long'],
  ['@acme score of 3', 'en', 3, null],
  ['@acme Great job, thanks 5', 'en', 5, 'Great job, thanks'],
  ['@acme 5! Great job https://t.co/abc123', 'en', 5, 'Great job https://t.co/abc123'],
  ['@acme @anna_support Great job, 5/5.', 'en', 5, 'Great job.'],
  ['@acme 4 but slow', 'en', 4, 'but slow'],
  ['@acme (5) great', 'en', 5, 'great'],
  ["@acme On a scale of 1 to 5, I'd say 4", 'en', 4, null],
  ['@acme 5-minute fix, 4', 'en', 4, '5-minute fix'],
  ['@acme it took 3-4 days to fix - 2', 'en', 2, 'it took 3-4 days to fix'],
  ['@acme Ticket #4711 finally closed. 3', 'en', 3, 'Ticket #4711 finally closed.'],
  ['@acme 4, called 3 times before anyone answered', 'en', 4, 'called 3 times before anyone answered'],
]

const symbols: Positive[] = [
  ['@acme ⭐⭐⭐⭐', null, 4, null],
  ['@acme ⭐️⭐️⭐️⭐️⭐️ brilliant', null, 5, 'brilliant'],
  ['@acme ★★★★☆', null, 4, null],
  ['@acme ★☆☆☆☆ still no refund', null, 1, 'still no refund'],
  ['@acme ⭐', null, 1, null],
  ['@acme 5 ⭐', null, 5, null],
  ['@acme ⭐ 3', null, 3, null],
  ['@acme 5 ⭐⭐⭐⭐⭐', null, 5, null],
  ['@acme 4️⃣', null, 4, null],
  ['@acme 4⃣ grazie', 'it', 4, 'grazie'],
  ['@acme ５', null, 5, null],
  ['@acme 5 👍', null, 5, '👍'],
]

const russian: Positive[] = [
  ['@acme 5', 'ru', 5, null],
  ['@acme пять', 'ru', 5, null],
  ['@acme Пять!', 'ru', 5, null],
  ['@acme четыре из пяти', 'ru', 4, null],
  ['@acme 4 из 5, долго ждал', 'ru', 4, 'долго ждал'],
  ['@acme оценка 3', 'ru', 3, null],
  ['@acme Моя оценка — 4', 'ru', 4, null],
  ['@acme на троечку', 'ru', 3, null],
  ['@acme на пятёрку, спасибо!', 'ru', 5, 'спасибо!'],
  ['@acme твёрдая четвёрка, спасибо', 'ru', 4, 'спасибо'],
  ['@acme ставлю 5 баллов', 'ru', 5, null],
  ['@acme поставлю вам 2.', 'ru', 2, null],
  ['@acme 5 звёзд', 'ru', 5, null],
  ['@acme 4+', 'ru', 4, null],
  ['@acme спасибо, 5', 'ru', 5, 'спасибо'],
  // Short replies are often detected as another language; Cyrillic number words still count.
  ['@acme пять', 'uk', 5, null],
  ['@acme пять', null, 5, null],
]

const italian: Positive[] = [
  ['@acme 5', 'it', 5, null],
  ['@acme cinque', 'it', 5, null],
  ['@acme tre', 'it', 3, null],
  ['@acme Tre.', null, 3, null],
  ['@acme voto 4', 'it', 4, null],
  ['@acme voto: 2, troppo lenti', 'it', 2, 'troppo lenti'],
  ['@acme il mio voto è 4', 'it', 4, null],
  ['@acme 4 su 5', 'it', 4, null],
  ['@acme quattro su cinque', 'it', 4, null],
  ['@acme ti do un 5!', 'it', 5, null],
  ['@acme un bel 4, grazie', 'it', 4, 'grazie'],
  ['@acme 5 stelle', 'it', 5, null],
  ['@acme 5 grazie mille', 'it', 5, 'grazie mille'],
]

const digitsAnywhere: Positive[] = [
  ['@acme 5, aitäh!', 'et', 5, 'aitäh!'],
  ['@acme 4 – danke', 'de', 4, 'danke'],
  ['@acme 3/5', 'fr', 3, null],
  ['@acme 5', 'fi', 5, null],
]

const handles: Positive[] = [
  ['@acme.bsky.social 3', null, 3, null],
  ['@support@mastodon.social 5 from me, quick fix', null, 5, 'quick fix'],
  ['@acme @acme_care 2', 'en', 2, null],
  ['@Acme_Help thanks @anna_k for the help, 5', 'en', 5, 'thanks for the help'],
  ['.@acme 4', 'en', 4, null],
]

type Negative = [text: string, language: string | null, why: string]

const negatives: Negative[] = [
  ['@acme thanks, all good now', 'en', 'no score'],
  ['', null, 'empty'],
  ['@acme', null, 'only a handle'],
  ['@acme5', null, 'a number inside a handle'],
  ['@acme see https://example.com/cases/4', 'en', 'a number inside a link'],
  ['@acme see example.com/s/5', 'en', 'a number inside a link without scheme'],
  ['@acme mail me at anna5@example.com', 'en', 'a number inside an e-mail address'],
  // times
  ['@acme 5pm', 'en', 'a time'],
  ['@acme 5 pm', 'en', 'a time'],
  ['@acme 5 p.m.', 'en', 'a time'],
  ['@acme at 4:30', 'en', 'a time'],
  ['@acme call me at 5', 'en', 'a time'],
  ['@acme alle 5', 'it', 'a time'],
  ['@acme в 5 часов', 'ru', 'a time'],
  // money, percentages, model names, identifiers
  ['@acme €5', 'en', 'a price'],
  ['@acme 5 €', 'en', 'a price'],
  ['@acme $5 refund', 'en', 'a price'],
  ['@acme 5 euro di rimborso', 'it', 'a price'],
  ['@acme 5 рублей', 'ru', 'a price'],
  ['@acme 5%', 'en', 'a percentage'],
  ['@acme 5G', 'en', 'a network'],
  ['@acme still no 5G', 'en', 'a network'],
  ['@acme #12345', 'en', 'an order number'],
  ['@acme order 4 never came', 'en', 'an order number'],
  ['@acme заказ 3', 'ru', 'an order number'],
  ['@acme call +39 333 123 4567', 'en', 'a phone number'],
  ['@acme звоните 8 (912) 345-67-89', 'ru', 'a phone number'],
  ['@acme 2024', 'en', 'a year'],
  ['@acme iPhone 5', 'en', 'a model name'],
  ['@acme the 5th time', 'en', 'an ordinal'],
  // quantities: a number followed by a unit noun counts something
  ['@acme 5 days', 'en', 'a quantity'],
  ['@acme 3 hours on hold', 'en', 'a quantity'],
  ['@acme five days', 'en', 'a quantity'],
  ['@acme 2 weeks and still no refund', 'en', 'a quantity'],
  ['@acme 4 calls, nobody answered', 'en', 'a quantity'],
  ['@acme 4 out of 5 agents were rude', 'en', 'a quantity with a scale'],
  ['@acme give it 5 minutes', 'en', 'a quantity after a score verb'],
  ['@acme rated 2 times already', 'en', 'a quantity after a score noun'],
  ['@acme ti do 5 minuti', 'it', 'a quantity after a score verb'],
  ['@acme ставлю 2 заявки, ни одна не решена', 'ru', 'a quantity after a score verb'],
  ['@acme 3 дня без связи', 'ru', 'a quantity'],
  ['@acme звонил 5 раз', 'ru', 'a quantity'],
  ['@acme на 5 минут опоздали', 'ru', 'a quantity after "на"'],
  ['@acme 3 ore di attesa', 'it', 'a quantity'],
  ['@acme 5 giorni', 'it', 'a quantity'],
  ['@acme the 5 May appointment', 'en', 'a date'],
  ['@acme 5 мая', 'ru', 'a date'],
  ['@acme 5/12', 'en', 'a date'],
  ['@acme 24/7 support my foot', 'en', 'a schedule'],
  // two different scores, or a choice between them
  ['@acme between 3 and 4', 'en', 'a range'],
  ['@acme from 1 to 5', 'en', 'a range'],
  ['@acme 3 or 4', 'en', 'a choice'],
  ['@acme 3-4', 'en', 'a range'],
  ['@acme three or four', 'en', 'a choice'],
  ['@acme 5, 4', 'en', 'two scores'],
  ['@acme 4/5 ⭐⭐', 'en', 'two scores'],
  ['@acme 5! Would give 2 stars to the app', 'en', 'two scores'],
  ['@acme tra 3 e 4', 'it', 'a range'],
  ['@acme da 1 a 5', 'it', 'a range'],
  ['@acme от 1 до 5', 'ru', 'a range'],
  ['@acme четыре или пять', 'ru', 'a choice'],
  // other scales
  ['@acme 10/10', 'en', 'another scale'],
  ['@acme 8/10 would recommend', 'en', 'another scale'],
  ['@acme 10', 'en', 'out of range'],
  ['@acme 0', 'en', 'out of range'],
  ['@acme 0/5', 'en', 'out of range'],
  ['@acme 6 stars', 'en', 'out of range'],
  ['@acme voto 8', 'it', 'out of range'],
  ['@acme ⭐⭐⭐⭐⭐⭐⭐⭐⭐⭐', null, 'more stars than the scale'],
  ['@acme 1️⃣0️⃣', null, 'ten in keycaps'],
  ['@acme 4.5/5', 'en', 'not a whole score'],
  ['@acme 4.5', 'en', 'not a whole score'],
  ['@acme 3,5', 'it', 'not a whole score'],
  // numbers that are not answers
  ['@acme 1 question: when is my refund coming?', 'en', 'a count'],
  ['@acme I have 2 questions', 'en', 'a count'],
  ['@acme you are the one', 'en', 'a word, not a number'],
  ['@acme one more thing: the router', 'en', 'a word, not a number'],
  ['@acme no one answered for days', 'en', 'a word, not a number'],
  ['@acme the refund is due', 'en', 'an English word that is Italian for two'],
  ['@acme sei stati gentilissimi', 'it', 'a verb that is Italian for six'],
  ['@acme Top 5 worst companies', 'en', 'a list'],
  ['@acme thanks ⭐', 'en', 'a decorative star'],
  ['@acme probably 4', 'en', 'hedged and unclear'],
]

describe('parseSatisfaction', () => {
  const positives: Array<[string, Positive[]]> = [
    ['English', english],
    ['stars, keycaps and other symbols', symbols],
    ['Russian', russian],
    ['Italian', italian],
    ['digits in other languages', digitsAnywhere],
    ['handles', handles],
  ]
  for (const [group, table] of positives) {
    describe(group, () => {
      it.each(table)('%j (%s) is %i', (text, language, score, comment) => {
        expect(parseSatisfaction(text, language)).toEqual({ score, comment })
      })
    })
  }

  describe('not a score', () => {
    it.each(negatives)('%j (%s): %s', (text, language) => {
      expect(parseSatisfaction(text, language)).toBeNull()
    })
  })

  it('reads number words of the detected language only', () => {
    expect(parseSatisfaction('@acme due', 'it')).toEqual({ score: 2, comment: null })
    expect(parseSatisfaction('@acme due', 'en')).toBeNull()
    expect(parseSatisfaction('@acme cinque', 'en')).toBeNull()
    // An unknown or unsupported language reads them all.
    expect(parseSatisfaction('@acme cinque', 'pt')).toEqual({ score: 5, comment: null })
    expect(parseSatisfaction('@acme five', 'en-GB')).toEqual({ score: 5, comment: null })
  })

  it('keeps line breaks in the comment', () => {
    expect(parseSatisfaction('@acme 4\nQuick fix.\n\nBut the app is slow.', 'en')).toEqual({
      score: 4,
      comment: 'Quick fix.\n\nBut the app is slow.',
    })
  })

  it('only ever returns scores from 1 to 5', () => {
    for (const [text, language] of [...english, ...symbols, ...russian, ...italian]) {
      expect(isSatisfactionScore(parseSatisfaction(text, language)?.score)).toBe(true)
    }
  })
})

describe('isSatisfactionScore', () => {
  it.each([1, 2, 3, 4, 5])('%i is a score', (value) => expect(isSatisfactionScore(value)).toBe(true))
  it.each([0, 6, 4.5, NaN, '5', null])('%j is not', (value) => expect(isSatisfactionScore(value)).toBe(false))
})
