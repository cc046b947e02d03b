// Churn threats per language; negated ones and cancellations already past do not count.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { churn } from '../../../worker/classify/urgency/churn'
import { reading } from './read'

const fires = (text: string, lang: Language) => churn(reading(text, lang)) !== null

describe('churn', () => {
  it.each<[Language, string]>([
    ['en', 'Please take this as notice to cancel my contract.'],
    ['en', 'Seriously looking at switching to Elisa. Give me one reason to stay.'],
    ['en', 'My contract ends next month and I won’t be renewing.'],
    ['ru', 'Расторгаю договор и ухожу в Telia.'],
    ['ru', 'Если и завтра не получится, перехожу к другому оператору.'],
    ['it', 'Voglio disdire il contratto, passo a Telia.'],
    ['it', 'Ho chiesto la disdetta.'],
    ['et', 'Palun lõpetage minu leping, tellisin interneti Elisast.'],
    ['et', 'Telia pakkumine tundub üha ahvatlevam.'],
    ['de', 'Ich kündige und wechsle zu Telia.'],
    ['de', 'Die Kündigung kommt per Einschreiben.'],
    ['es', 'Me cambio a Telia.'],
    ['es', 'Quiero darme de baja ya.'],
  ])('fires in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(true)
  })

  it.each<[Language, string]>([
    ['en', 'I’m not cancelling, just fix it please.'],
    ['en', 'I don’t want to switch to Telia, I like your service.'],
    ['en', 'I cancelled last month and you billed me again.'],
    ['en', 'Thinking of moving my mobile plan over to you.'],
    ['ru', 'Не собираюсь расторгать договор, просто почините.'],
    ['ru', 'Можно ли перейти с тарифа Smart 20 на безлимитный?'],
    ['it', 'Non voglio disdire, voglio solo che funzioni.'],
    ['it', 'Ho disdetto il contratto il mese scorso e oggi mi arriva un’altra fattura.'],
    ['et', 'Ma ei lõpeta lepingut, aga parandage see ära.'],
    ['et', 'Lõpetasin lepingu kaks kuud tagasi.'],
    ['de', 'Ich will nicht kündigen, aber so geht es nicht weiter.'],
    ['de', 'Ich kündige nicht, keine Sorge.'],
    ['de', 'Nordlink kündigt Gutschriften für betroffene Kunden an.'],
    ['de', 'Techniker war da. Die Kündigung ziehe ich zurück.'],
    ['es', 'No voy a cancelar, solo quiero que funcione.'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(false)
  })

  it('treats a threat after a negated condition as a threat', () => {
    expect(fires('If you don’t fix it by Friday I’m cancelling.', 'en')).toBe(true)
    expect(fires('Si no lo arreglan hoy me cambio a Telia.', 'es')).toBe(true)
    expect(churn(reading('I’m cancelling.', 'en'))).toEqual({ signal: 'churn', points: 20, reason: 'churn threat' })
  })
})
