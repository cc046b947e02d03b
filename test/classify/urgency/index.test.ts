// assessUrgency: realistic multi-signal mentions, the score cap, the priority thresholds.
import { describe, expect, it } from 'vitest'
import type { CustomerHistory, Language, UrgencyInput } from '../../../worker/classify/types'
import { assessUrgency, priorityFor } from '../../../worker/classify/urgency/index'
import { firstContact, wednesday } from './read'

function input(text: string, language: Language | 'other', extra: Partial<UrgencyInput> = {}): UrgencyInput {
  return { text, language, sentiment: 0, followers: 300, engagement: {}, history: firstContact, ...extra }
}

const signals = (text: string, language: Language | 'other', extra: Partial<UrgencyInput> = {}) =>
  assessUrgency(input(text, language, extra), wednesday).reasons.map((reason) => reason.signal).sort()

describe('assessUrgency', () => {
  it('makes the 112-hour outage with a regulator threat P1', () => {
    const result = assessUrgency(
      input('112 hours without internet and no end in sight. If it is not fixed today, the complaint goes to TTJA.', 'en'),
      wednesday,
    )
    expect(result.reasons).toEqual([
      { signal: 'regulator', points: 35, reason: 'regulator' },
      { signal: 'outage', points: 25, reason: 'down 112 h' },
    ])
    expect(result.score).toBe(60)
    expect(result.priority).toBe(1)
  })

  it('makes an elderly customer’s dead alarm line P1 in each language', () => {
    const texts: [Language, string][] = [
      ['ru', '@NordlinkCare у мамы в Нарве третий день не работает домашний телефон. Ей 86 лет, и через эту линию работает её кнопка экстренного вызова.'],
      ['it', '@NordlinkCare mia madre ha 83 anni, vive da sola a Tartu e da ieri il suo telefono fisso non funziona. È l’unico modo che ha per chiedere aiuto.'],
      ['et', '@NordlinkCare mu 88-aastane isa elab Saaremaal. Tema lauatelefon on pühapäevast saati vait ja häirenupp töötab just selle liini kaudu.'],
      ['de', '@NordlinkCare Mein Vater (81) hat einen Herzschrittmacher mit Fernüberwachung. Seit Montag kein Internet in Lasnamäe.'],
      ['es', '@NordlinkCare mi padre, de 80 años, usa un servicio de teleasistencia que va por la línea fija. Desde ayer no funciona.'],
      ['en', '@NordlinkCare my mother is 84 and lives alone. Her landline has been dead since Saturday, and her emergency alarm pendant works through that line.'],
    ]
    for (const [lang, text] of texts) {
      const result = assessUrgency(input(text, lang), wednesday)
      expect(result.priority, text).toBe(1)
      expect(result.reasons[0]?.signal, text).toBe('vulnerability')
    }
  })

  it('adds up realistic angry mentions in every language', () => {
    expect(signals('@NordlinkCare Tag 3, fünfter Kontaktversuch. Unser Anwalt prüft die Vertragsstrafe, und wir melden den Vorfall beim TTJA.', 'de')).toEqual(
      ['outage', 'regulator', 'repeat_contact'],
    )
    expect(signals('@NordlinkCare cuatro días sin conexión y ocho llamadas. Mañana presento una reclamación ante el TTJA y hablo con la prensa.', 'es')).toEqual(
      ['outage', 'regulator', 'repeat_contact'],
    )
    expect(signals('@NordlinkCare пятница, 18:20. Вы обещали починить до 18:00. Интернета нет. Звонил уже девять раз.', 'ru')).toEqual(
      ['broken_promise', 'outage', 'repeat_contact'],
    )
    expect(signals('Ho chiesto la disdetta. @NordlinkCare, quattro giorni senza servizio e zero risposte. Passo a Telia.', 'it')).toEqual(
      ['churn', 'outage', 'support_failure'],
    )
    expect(signals('112 tundi ilma internetita ja lõppu ei paista. @NordlinkCare, lubasite teisipäeva õhtuks. Keegi pole kordagi tagasi helistanud.', 'et')).toEqual(
      ['broken_promise', 'outage', 'support_failure'],
    )
    expect(signals('@NordlinkCare 50 minutes on hold to be told billing can’t see the cancellation. You charged me twice.', 'en')).toEqual(
      ['money', 'support_failure'],
    )
  })

  it('leaves questions and praise at P4 with no reasons', () => {
    for (const [lang, text] of [
      ['en', '@NordlinkCare does your eSIM work with the Pixel 8?'],
      ['ru', '@NordlinkCare спасибо за быстрый ответ! Всё заработало сразу.'],
      ['et', '@NordlinkCare kas 5G kodu-ruuterit saab enne lepingu sõlmimist proovida?'],
      ['es', '@NordlinkCare el 5G en el centro de Tallinn va genial. ¡Enhorabuena!'],
    ] as [Language, string][]) {
      expect(assessUrgency(input(text, lang), wednesday)).toEqual({ score: 0, priority: 4, reasons: [] })
    }
  })

  it('puts a plain outage at P3 and a lone regulator threat at P2', () => {
    expect(assessUrgency(input('@NordlinkCare no internet in Kalamaja this morning, any ETA?', 'en'), wednesday)).toMatchObject({ score: 15, priority: 3 })
    expect(assessUrgency(input('@NordlinkCare if this bill is not corrected I’m going to the ombudsman.', 'en'), wednesday)).toMatchObject({
      score: 35,
      priority: 2,
    })
  })

  it('caps the score at 100 and orders reasons strongest first', () => {
    const history: CustomerHistory = { earlierMentions: 12, openCaseAgeHours: 140, brokenPromises: 3 }
    const result = assessUrgency(
      input('Saturday. Day 6. 22 calls to @NordlinkCare, nobody calls back. Filing a complaint with TTJA today and talking to the press. Cancelling.', 'en', {
        sentiment: -0.9,
        followers: 48_200,
        engagement: { reposts: 156, likes: 412 },
        history,
      }),
      wednesday,
    )
    expect(result.score).toBe(100)
    expect(result.priority).toBe(1)
    const points = result.reasons.map((reason) => reason.points)
    expect(points).toEqual([...points].sort((a, b) => b - a))
    expect(result.reasons.reduce((sum, reason) => sum + reason.points, 0)).toBeGreaterThan(100)
    expect(result.reasons.find((reason) => reason.signal === 'repeat_contact')?.reason).toBe('22 calls')
  })

  it('adds reach and mood only on top', () => {
    const quiet = assessUrgency(input('@NordlinkCare no internet today', 'en'), wednesday)
    const loud = assessUrgency(input('@NordlinkCare no internet today', 'en', { sentiment: -0.85, followers: 212_000, engagement: { reposts: 300 } }), wednesday)
    expect(quiet.score).toBe(15)
    expect(loud.score).toBe(15 + 20 + 15)
    expect(loud.reasons.map((reason) => reason.reason)).toEqual(['212k followers, viral: 300 reposts', 'outage', 'very negative'])
  })

  it('reads English patterns in every text, and only English for other languages', () => {
    expect(signals('Mi internet no va. My lawyer will call you.', 'es')).toContain('regulator')
    expect(signals('Netti ei toimi, my lawyer will call you', 'other')).toEqual(['regulator'])
    expect(signals('Ich kündige!', 'other')).toEqual([])
  })

  it('counts "since Monday" up to the post time it is given', () => {
    const text = 'No internet since Monday.'
    expect(assessUrgency(input(text, 'en'), new Date('2025-03-10T12:00:00Z')).reasons[0]).toEqual({ signal: 'outage', points: 15, reason: 'down since Monday' })
    expect(assessUrgency(input(text, 'en'), new Date('2025-03-15T12:00:00Z')).reasons[0]).toEqual({ signal: 'outage', points: 30, reason: 'down since Monday' })
  })
})

describe('priorityFor', () => {
  it('maps scores to P1 >= 60, P2 >= 35, P3 >= 15, else P4', () => {
    expect([100, 60, 59, 35, 34, 15, 14, 0].map(priorityFor)).toEqual([1, 1, 2, 2, 3, 3, 4, 4])
  })
})
