// The shared negation look-back (and look-ahead), on the examples the rules depend on.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { adjacentNegation, intentNegation, isNegated, noNegation, type Negation } from '../../../worker/classify/urgency/negation'
import { normalize } from '../../../worker/classify/urgency/text'

/** Whether `word` (its first occurrence) is negated in `text`. */
function negated(text: string, word: string, lang: Language, rule: Negation = intentNegation): boolean {
  const normal = normalize(text)
  const start = normal.indexOf(word)
  if (start < 0) throw new Error(`${word} not in ${normal}`)
  return isNegated(normal, start, start + word.length, lang, rule)
}

describe('isNegated', () => {
  it.each<[Language, string, string]>([
    ['en', 'I’m not cancelling, just fix it', 'cancelling'],
    ['en', 'I’m not going to the regulator', 'regulator'],
    ['en', 'No lawyer needed', 'lawyer'],
    ['en', 'lawyer not needed', 'lawyer'],
    ['en', 'I don’t want to switch to Telia', 'switch'],
    ['ru', 'Не собираюсь расторгать договор', 'расторгать'],
    ['ru', 'Юрист не нужен', 'юрист'],
    ['it', 'Non voglio disdire il contratto', 'disdire'],
    ['it', 'Non ho nessuna intenzione di disdire', 'disdire'],
    ['et', 'Ma ei lõpeta lepingut', 'lõpeta'],
    ['et', 'Advokaati pole vaja', 'advokaati'],
    ['de', 'Ich werde nicht kündigen', 'kündigen'],
    ['de', 'Ich kündige nicht', 'kündige'],
    ['de', 'Ich brauche keinen Anwalt', 'anwalt'],
    ['es', 'No voy a cancelar', 'cancelar'],
    ['es', 'No necesito un abogado', 'abogado'],
  ])('negates in %s: %s', (lang, text, word) => {
    expect(negated(text, word, lang)).toBe(true)
  })

  it.each<[Language, string, string]>([
    ['en', 'If you don’t fix it by Friday I’m cancelling', 'cancelling'],
    ['en', 'No internet for three days. Cancelling.', 'cancelling'],
    ['en', 'Nothing works, no, I am switching to Telia', 'switching'],
    ['ru', 'Если не почините, я расторгаю договор', 'расторгаю'],
    ['it', 'Se non risolvete entro lunedì mi rivolgo a un avvocato', 'avvocato'],
    ['de', 'Wenn bis Montag nichts passiert, kündige ich', 'kündige'],
    ['es', 'Si no lo arreglan hoy me cambio a Telia', 'cambio'],
  ])('leaves threats standing in %s: %s', (lang, text, word) => {
    expect(negated(text, word, lang)).toBe(false)
  })

  it('reaches only as far as the rule asks', () => {
    expect(negated('It is not an emergency', 'emergency', 'en', adjacentNegation)).toBe(true)
    expect(negated('Is there no priority for vulnerable customers?', 'vulnerable', 'en', adjacentNegation)).toBe(false)
    expect(negated('Is there no priority for vulnerable customers?', 'vulnerable', 'en', intentNegation)).toBe(true)
    expect(negated('No refund yet', 'refund', 'en', noNegation)).toBe(false)
  })
})
