// Complaints about support itself, per language.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { supportFailure } from '../../../worker/classify/urgency/support-failure'
import { reading } from './read'

const fires = (text: string, lang: Language) => supportFailure(reading(text, lang)) !== null

describe('support failure', () => {
  it.each<[Language, string]>([
    ['en', '45 minutes on hold, then the call dropped.'],
    ['en', '"24/7 support" my foot. The chat says agents are offline.'],
    ['en', 'Nobody has called me back once.'],
    ['en', 'Chat bot loop: "Have you tried restarting?" Yes.'],
    ['en', 'Ticket opened 12 days ago, no reply.'],
    ['ru', 'Никто не перезвонил.'],
    ['ru', 'В 22:30 чат пишет «операторы недоступны».'],
    ['it', 'Il numero dell’assistenza mi ha tenuta in attesa 50 minuti.'],
    ['it', 'Finora ho ricevuto solo risposte automatiche.'],
    ['et', 'Kirjutasin eile teie veebivestlusesse ja vastust pole siiani.'],
    ['et', 'Keegi pole kordagi tagasi helistanud.'],
    ['de', '45 Minuten Warteschleife, dann aufgelegt.'],
    ['de', 'Niemand da, niemand ruft an.'],
    ['es', 'Nadie llama, nadie contesta aquí.'],
    ['es', 'Vuestro soporte «24/7» cierra a las 22:00.'],
  ])('fires in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(true)
  })

  it.each<[Language, string]>([
    ['en', 'Thanks for the quick reply, all sorted.'],
    ['ru', 'Спасибо за быстрый ответ!'],
    ['it', 'Grazie per la risposta veloce.'],
    ['et', 'Aitäh kiire vastuse eest!'],
    ['de', 'Danke für die schnelle Antwort!'],
    ['es', '¡Gracias por la respuesta tan rápida!'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(false)
  })

  it('says "support failed"', () => {
    expect(supportFailure(reading('Nobody answers.', 'en'))).toEqual({ signal: 'support_failure', points: 10, reason: 'support failed' })
  })
})
