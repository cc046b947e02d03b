// Broken promises from history and from the text; a promise still open does not count.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { brokenPromise } from '../../../worker/classify/urgency/broken-promise'
import { firstContact, reading } from './read'

const fires = (text: string, lang: Language) => brokenPromise(reading(text, lang), firstContact) !== null

describe('broken promise', () => {
  it.each<[Language, string]>([
    ['en', 'You said it would be fixed by Friday. It is Saturday.'],
    ['en', 'It’s Wednesday, 19:10. You promised 18:00. Still nothing.'],
    ['en', 'The technician never showed up, I took the day off for nothing.'],
    ['en', 'You have now missed your third promised fix time.'],
    ['ru', 'Вы обещали починить до 18:00. Интернета нет.'],
    ['ru', 'Вчера пообещали, что починят во вторник до обеда. Вторник, 14:30. Ничего.'],
    ['it', 'Mi avevate detto che sarebbe stato risolto entro venerdì alle 18. Ancora niente.'],
    ['it', 'Il tecnico doveva venire oggi, non si è visto nessuno.'],
    ['et', 'Lubasite kella 18-ks. Internetti pole.'],
    ['et', 'Viis päeva ilma ühenduseta, kaks lubatud tähtaega möödas.'],
    ['de', 'Ihr habt versprochen, dass es heute repariert wird. Immer noch nichts.'],
    ['de', 'Der Techniker sollte heute zwischen 12 und 16 Uhr kommen. Niemand da.'],
    ['es', 'Dijisteis que estaría arreglado antes de las 18:00. Nada.'],
    ['es', 'Me prometieron una llamada y todavía nada.'],
  ])('fires in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(true)
  })

  it.each<[Language, string]>([
    ['en', 'Marko on the phone promised the refund within 5 working days. Writing it down.'],
    ['en', 'Thanks, you kept your promise and it works.'],
    ['ru', 'Жду звонка до конца пятницы, как вы обещали.'],
    ['it', 'Ora mi dite che sarà tutto risolto entro venerdì alle 18. Me lo segno.'],
    ['et', 'Klienditeenindaja lubas, et reedel kella 18-ks on korras. Jätan selle siia meeldetuletuseks.'],
    ['de', 'Danke, der Techniker kam wie versprochen.'],
    ['es', 'Me dicen que estará arreglado el viernes antes de las 18:00. Lo apunto.'],
  ])('stays quiet while the promise is open, in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(false)
  })

  it('takes broken promises on record, with more points for more of them', () => {
    const history = (brokenPromises: number) => ({ earlierMentions: 1, openCaseAgeHours: 30, brokenPromises })
    expect(brokenPromise(reading('Any update?', 'en'), history(1))).toEqual({ signal: 'broken_promise', points: 20, reason: 'promise missed' })
    expect(brokenPromise(reading('Any update?', 'en'), history(2))).toEqual({ signal: 'broken_promise', points: 25, reason: '2 promises missed' })
    expect(brokenPromise(reading('Any update?', 'en'), history(5))?.points).toBe(30)
  })
})
