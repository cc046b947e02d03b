// Spam and the brand's own posts are told apart from customers, in every language we serve.
import { describe, expect, it } from 'vitest'
import { mentionKind } from '../../worker/classify/spam'

const brand = { brandHandles: ['NordlinkCare', 'nordlink'] }

describe('mentionKind', () => {
  it('marks the brand posting under its own handle', () => {
    expect(mentionKind('We are aware of an outage in Tartu', { authorHandle: 'nordlinkcare', ...brand })).toBe('own_post')
  })

  it.each([
    ['crypto', 'HUGE 5000 USDT GIVEAWAY for @NordlinkCare customers, send 0.05 ETH get 10x back'],
    ['follow train', '@NordlinkCare follow for follow?? I follow back 100% #f4f'],
    ['card phishing', 'Hello from Nordlink support! To process your refund, DM us your card number'],
    ['money from home, es', 'Gana 500 € al día desde casa con tu conexión Nordlink, escríbeme por DM'],
    ['prize, it', 'Sei cliente Nordlink? Hai vinto un iPhone 15 Pro! Ritira il premio: nordlink-premi.it-promo.top'],
    ['prize, ru', 'Nordlink дарит iPhone 15 каждому сотому абоненту! Заполни анкету: nordlink-prize.online'],
    ['job advert', "We're hiring! Apply now for a sales job at our Tallinn office"],
  ])('marks spam: %s', (_kind, text) => {
    expect(mentionKind(text, { authorHandle: 'someone', ...brand })).toBe('spam')
  })

  it('marks an impersonator sending a customer to a look-alike site', () => {
    const text = '@chiara_ferrari Ciao, assistenza Nordlink qui! Per riattivare la SIM inserisci i tuoi dati qui: nordlink-esim-help.com'
    expect(mentionKind(text, { authorHandle: 'nordlink_helpdesk', ...brand })).toBe('spam')
  })

  it.each([
    'Internet down since Monday, third time I write. Fix it or I switch to Telia',
    '@NordlinkCare you charged me twice this month, I want a refund',
    'Ühendus puudub juba kolm päeva, helistasin 5 korda',
    'Нет интернета с понедельника, обещали починить к пятнице',
    'Danke @NordlinkCare, Router getauscht, alles läuft wieder!',
    'Check the status page at https://status.nordlink.ee before you call',
    'Does the router support WPA3? #wifi #router #help #nordlink',
  ])('leaves customers as customers: %s', (text) => {
    expect(mentionKind(text, { authorHandle: 'kati', ...brand })).toBe('customer')
  })
})
