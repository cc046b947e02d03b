// Regulator, ombudsman, lawyer, legal action, press, public petition: someone outside is about to
// judge the case. TTJA (Tarbijakaitse ja Tehnilise Järelevalve Amet) is Estonia's; the others are
// each language's usual ones (Роскомнадзор, AGCOM / Codacons, Bundesnetzagentur /
// Verbraucherzentrale, FACUA / OCU). "No lawyer needed", "I'm not going to the regulator",
// "юрист не нужен" do not count.
import type { Language, UrgencyReason } from '../types'
import { intentNegation } from './negation'
import { combineKinds, definePhrases, kindsOf, perLanguage, type Reading } from './phrases'
import { regulatorCap, regulatorExtra, regulatorPoints } from './points'

interface Kinds {
  regulator: string
  legal: string
  press: string
  petition: string
}

const kinds: Record<Language, Kinds> = {
  en: {
    regulator: String.raw`
      regulators?
      regulatory (?:body|authority|complaint)
      ombudsman
      ttja
      tarbijakaitse\p{L}*
      ofcom
      fcc
      trading standards
      consumer (?:protection|rights|council|authority|ombudsman|centre|center|watchdog|board|agency)
      european consumer cent(?:re|er)
      watchdog
      (?:file|filing|filed|lodge|lodging|lodged|make|making|made|submit|submitting|submitted|send|sending|sent|raise|raising) (?:a |an |my )?(?:formal |official )?complaint (?:with|to) (?:the )?(?:regulator|authority|ombudsman|ttja|consumer)
      formal complaint
      report(?:ing)? (?:you|this|them|it) to (?:the )?(?:regulator|authorit\p{L}*|ombudsman|ttja|police|consumer)
    `,
    legal: String.raw`
      lawyers?
      solicitors?
      attorneys?
      legal (?:action|advice|steps|proceedings|team|route)
      lawsuit
      (?<=(?:i'll|i will|going to|gonna|we'll|we will) )sue
      sue (?:you|them|nordlink)
      suing
      small claims
      (?<=(?:to|in|into) )court
      court (?:case|action|claim)
    `,
    press: String.raw`
      (?<=(?:the|to|tell|contact|call|alert|local|national) )press(?! \d| (?:the )?(?:button|key|release))
      press (?:coverage|attention)
      journalists?
      reporters?
      newspapers?
      news outlets?
      (?<=(?:the|to|local|national|mass) )media
      going public
      go public
    `,
    petition: String.raw`
      petitions?
    `,
  },
  ru: {
    regulator: String.raw`
      ttja
      регулятор\p{L}*
      роскомнадзор\p{L}*
      роспотребнадзор\p{L}*
      омбудсмен\p{L}*
      защит\p{L}* прав потребителей
      (?:жалоб\p{L}*|заявлени\p{L}*) (?:в|во)(?: \p{L}+){0,2} (?:надзор\p{L}*|департамент\p{L}*|инспекци\p{L}*|министерств\p{L}*)
      прокуратур\p{L}*
      надзорн\p{L}* (?:орган\p{L}*|ведомств\p{L}*)
    `,
    legal: String.raw`
      юрист\p{L}*
      адвокат\p{L}*
      суд(?:а|е|у|ом)?
      судебн\p{L}*
      досудебн\p{L}*
      иск(?:а|ом|е|и)?
      исков\p{L}*
    `,
    press: String.raw`
      сми
      журналист\p{L}*
      пресс(?:а|е|у|ы)
      газет\p{L}*
      редакци\p{L}*
    `,
    petition: String.raw`
      петици\p{L}*
      сбор подписей
    `,
  },
  it: {
    regulator: String.raw`
      agcom
      codacons
      ttja
      garante\p{L}*
      corecom
      ombudsman
      difensore civico
      autorità(?: \p{L}+){0,3} (?:comunicazioni|garante|concorrenza)
      associazion\p{L}* (?:dei |di )?consumatori
      altroconsumo
      federconsumatori
      adiconsum
      conciliazione
      esposto
    `,
    legal: String.raw`
      avvocat\p{L}*
      (?<=(?:un|mio) )legale
      (?:vie|azioni|azione) legal[ei]
      denunci\p{L}*
      (?:faccio|farò|fare|farvi|vi faccio|vi farò) causa
      tribunal\p{L}*
      giudice\p{L}*
      diffida
      querela\p{L}*
    `,
    press: String.raw`
      giornalist\p{L}*
      (?<=(?:la|alla) )stampa
      giornal[ei]
      (?<=(?:ai|i) )media
      striscia la notizia
      le iene
    `,
    petition: String.raw`
      petizion\p{L}*
      raccolta (?:di )?firme
    `,
  },
  et: {
    regulator: String.raw`
      ttja
      tarbijakaitse\p{L}*
      tehnilise järelevalve\p{L}*
      järelevalve\p{L}*
      tarbijavaidluste komisjon\p{L}*
      lepitus\p{L}*
      õiguskantsler\p{L}*
      ombudsman\p{L}*
      (?:esitan|esitasin|esitame|esitasime|teen|tegin|kirjutan|kirjutasin|saadan|saatsin)(?: \p{L}+){0,2} kaebuse
    `,
    legal: String.raw`
      jurist\p{L}*
      advokaa\p{L}*
      kohtusse
      kohtus
      kohtule
      kohtuni
      kohtu kaudu
      kohtuasja\p{L}*
      hagi\p{L}*
      õigusabi\p{L}*
    `,
    press: String.raw`
      ajakirjani\p{L}*
      ajakirjandus\p{L}*
      meedia\p{L}*
      err
      postimees\p{L}*
      delfi
      õhtuleh\p{L}*
    `,
    petition: String.raw`
      petitsioon\p{L}*
      rahvaalgatus\p{L}*
      allkirj\p{L}* kogu\p{L}*
    `,
  },
  de: {
    regulator: String.raw`
      bundesnetzagentur
      bnetza
      verbraucherzentral\p{L}*
      verbraucherzentrum
      verbraucherschutz\p{L}*
      schlichtungsstelle\p{L}*
      regulierungsbehörde\p{L}*
      aufsichtsbehörde\p{L}*
      ttja
      ombudsmann
      beschwerde (?:beim|bei der|an die|ans|an das|bei)(?: \p{L}+)? (?:ttja|\p{L}*behörde|\p{L}*agentur|\p{L}*zentrale|\p{L}*zentrum)
    `,
    legal: String.raw`
      (?:rechts)?anw[aä]lt\p{L}*
      verklag\p{L}*
      klage(?: einreichen| erheben)?
      rechtliche (?:schritte|konsequenzen)
      gerichtlich\p{L}*
      vor gericht
      mahnbescheid
    `,
    press: String.raw`
      presse
      journalist\p{L}*
      (?<=(?:die|den) )medien
      zeitung\p{L}*
      reporter\p{L}*
      öffentlich machen
    `,
    petition: String.raw`
      petition\p{L}*
      unterschriften\p{L}*
    `,
  },
  es: {
    regulator: String.raw`
      facua
      ocu
      ttja
      cnmc
      (?:oficina|ante) (?:de )?consumo(?! de)
      (?:reclamación|reclamacion|queja|denuncia) (?:formal )?ante
      hoja de reclamaciones
      defensor del (?:pueblo|cliente|consumidor)
      organismo regulador
      regulador\p{L}*
      asociación de consumidores
      asociacion de consumidores
    `,
    legal: String.raw`
      abogad\p{L}*
      (?<=(?:una|la|poner|interponer) )demanda
      demandar\p{L}*
      demandaré
      (?:os|los|les) demand\p{L}*
      denuncia\p{L}*
      juzgado\p{L}*
      tribunal\p{L}*
      vía judicial
      via judicial
      acciones legales
      burofax
    `,
    press: String.raw`
      prensa
      periodist\p{L}*
      medios de comunicación
      (?<=(?:a|con) los )medios(?! de pago)
      telediario
      reportaje
    `,
    petition: String.raw`
      recogida de firmas
      recogiendo firmas
      change\.org
    `,
  },
}

const list = (k: Kinds) => [k.regulator, k.legal, k.press, k.petition]
const regulatorPhrases = definePhrases('regulator', perLanguage(kinds, list))

const names = ['regulator', 'legal threat', 'press', 'petition'] as const
const points = [regulatorPoints.regulator, regulatorPoints.legal, regulatorPoints.press, regulatorPoints.petition] as const

/** A regulator / legal / press / petition signal; one reason naming every kind found. */
export function regulator(reading: Reading): UrgencyReason | null {
  const found = kindsOf(reading, regulatorPhrases, intentNegation) // a bit per kind, in the order of `names`
  if (found === 0) return null
  return { signal: 'regulator', ...combineKinds(found, names, points, regulatorExtra, regulatorCap) }
}
