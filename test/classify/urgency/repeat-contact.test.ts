// Repeat contact from the customer's history and from what the text says, per language.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { repeatContact } from '../../../worker/classify/urgency/repeat-contact'
import { firstContact, reading } from './read'

const reasonOf = (text: string, lang: Language) => repeatContact(reading(text, lang), firstContact)?.reason

describe('repeat contact', () => {
  it.each<[Language, string, string]>([
    ['en', 'This is the 4th time I’m writing about this bill.', '4th contact'],
    ['en', 'Called 22 times, spoke to at least 10 different people.', '22 calls'],
    ['en', 'Saturday. Day 6. 22 calls to you and nothing.', '22 calls'],
    ['en', 'Third contact. Sent the confirmation to the address your agent gave me.', '3rd contact'],
    ['en', 'Writing again because nobody replied to my DM.', 'repeat contact'],
    ['ru', 'Пишу вам уже в пятый раз, ответа нет.', '5th contact'],
    ['ru', 'Это уже моё четвёртое обращение.', '4th contact'],
    ['ru', 'Звонил уже девять раз.', '9 calls'],
    ['ru', 'Пишу ещё раз: интернета так и нет.', 'repeat contact'],
    ['it', 'È l’ennesima volta che vi scrivo per la stessa bolletta.', 'umpteenth contact'],
    ['it', 'Questo è il mio quarto messaggio e finora solo risposte automatiche.', '4th contact'],
    ['it', 'Sette giorni, undici telefonate, due tecnici mai arrivati.', '11 calls'],
    ['et', 'See on mu neljas pöördumine.', '4th contact'],
    ['et', 'Helistasin täna seitse korda, kolmel korral katkes kõne.', '7 calls'],
    ['et', 'Kirjutan jälle, sest keegi ei vasta.', 'repeat contact'],
    ['de', 'Ich schreibe hier inzwischen zum vierten Mal.', '4th contact'],
    ['de', 'Ich habe fünfmal angerufen und niemand weiß Bescheid.', '5 calls'],
    ['de', 'Ich schreibe schon wieder, weil niemand antwortet.', 'repeat contact'],
    ['es', 'Es la tercera vez que escribo.', '3rd contact'],
    ['es', 'He llamado cinco veces y cada vez me dicen una cosa distinta.', '5 calls'],
    ['es', 'Os escribo otra vez porque nadie contesta.', 'repeat contact'],
  ])('%s: %s → %s', (lang, text, reason) => {
    expect(reasonOf(text, lang)).toBe(reason)
  })

  it.each<[Language, string]>([
    ['en', 'Internet works again, thanks for the quick fix!'],
    ['en', 'TV box dropped to "no signal" again. Second time this week.'],
    ['en', 'The chat bot asked me to restart my router four times.'],
    ['en', 'A neighbour is checking on her twice a day.'],
    ['ru', 'Ещё раз спасибо за помощь!'],
    ['it', 'Funziona di nuovo, grazie mille!'],
    ['et', 'Internet ja telefon töötavad jälle.'],
    ['de', 'Das Internet ist schon wieder weg.'],
    ['es', 'Ya funciona otra vez, ¡gracias!'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(reasonOf(text, lang)).toBeUndefined()
  })

  it('counts the history’s earlier mentions, and takes whichever says more', () => {
    const history = { earlierMentions: 3, openCaseAgeHours: 50, brokenPromises: 0 }
    expect(repeatContact(reading('Any news?', 'en'), history)).toEqual({ signal: 'repeat_contact', points: 15, reason: '4th contact' })
    expect(repeatContact(reading('I have called 11 times.', 'en'), history)).toEqual({ signal: 'repeat_contact', points: 25, reason: '11 calls' })
    expect(repeatContact(reading('Writing again.', 'en'), history)?.reason).toBe('4th contact')
  })

  it('scales points with the number of contacts', () => {
    const points = (earlierMentions: number) =>
      repeatContact(reading('Any news?', 'en'), { earlierMentions, openCaseAgeHours: null, brokenPromises: 0 })?.points
    expect(points(0)).toBeUndefined()
    expect([points(1), points(2), points(4), points(9)]).toEqual([10, 15, 20, 25])
  })
})
