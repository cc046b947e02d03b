// A synthetic outage replay for the spike detector: weeks of ordinary complaint traffic with the
// daily and weekly shape of a telco's care channel, drawn from a seeded random generator, then
// bursts (an outage, a billing error) on top. Also measures how long after a burst's first
// mention the alert comes when sweeping each minute (bench:trends reports it).
import type { Sql } from '../../worker/db/connect'
import { seededRandom } from '../../worker/random'
import { sweepSpikes, type SpikeSweepOptions } from '../../worker/trends/spikes'

function poisson(mean: number, random: () => number): number {
  // Knuth's method: fine for the small per-minute means used here.
  const limit = Math.exp(-mean)
  let count = 0
  for (let product = random(); product > limit; product *= random()) count++
  return count
}

export interface SyntheticMention {
  receivedAt: Date
  text: string
  language: string
  complaint: boolean
  urgency: number
  signals: string[]
  /** Which burst it belongs to; null for ordinary traffic. */
  burst: string | null
}

interface Template {
  language: string
  text: string
  signals: string[]
}

const districts = ['Mustamäe', 'Nõmme', 'Lasnamäe', 'Kristiine', 'Haabersti', 'Kesklinn', 'Pirita', 'Tartu', 'Pärnu', 'Narva']
const outageDistricts = ['Kalamaja', 'Kalamaja', 'Kalamaja', 'Pelgulinn', 'Põhja-Tallinn']

// Everyday complaints: bills, speed, waiting, equipment, the odd local fault; every language the
// demo's customers write in.
const everyday: Template[] = [
  { language: 'en', text: 'my bill is wrong again, charged {n} euros more than my plan this month', signals: ['money'] },
  { language: 'en', text: 'paying for 500 Mbps and getting {n} tonight, speed is terrible', signals: [] },
  { language: 'en', text: 'on hold for {n} minutes with support and nobody answers', signals: ['support_failure'] },
  { language: 'en', text: 'the router keeps dropping wifi every evening, third replacement', signals: [] },
  { language: 'en', text: 'technician never showed up, second missed appointment this week', signals: ['broken_promise'] },
  { language: 'en', text: 'seriously thinking of switching provider, the service keeps getting worse', signals: ['churn'] },
  { language: 'en', text: 'roaming charges after a weekend in Riga, {n} euros, why?', signals: ['money'] },
  { language: 'en', text: 'tv box freezes every few minutes during the match', signals: [] },
  { language: 'en', text: 'mobile data not working since this morning in {district}', signals: ['outage'] },
  { language: 'en', text: 'the app will not let me log in to pay the invoice', signals: [] },
  { language: 'et', text: 'arve on jälle vale, {n} eurot rohkem kui tavaliselt', signals: ['money'] },
  { language: 'et', text: 'internetiühendus on õhtuti väga aeglane, maksan täishinda', signals: [] },
  { language: 'et', text: 'klienditoe järjekord {n} minutit ja keegi ei vasta', signals: ['support_failure'] },
  { language: 'et', text: 'wifi katkeb pidevalt, ruuter vilgub punaselt', signals: [] },
  { language: 'ru', text: 'опять неправильный счёт, списали лишние {n} евро', signals: ['money'] },
  { language: 'ru', text: 'очень медленный интернет по вечерам, платим за гигабит', signals: [] },
  { language: 'ru', text: 'в поддержке никто не отвечает уже {n} минут', signals: ['support_failure'] },
  { language: 'ru', text: 'роутер постоянно теряет wifi, мастер так и не пришёл', signals: ['broken_promise'] },
  { language: 'de', text: 'Die Rechnung ist schon wieder falsch, {n} Euro zu viel abgebucht', signals: ['money'] },
  { language: 'de', text: 'Das Internet ist abends extrem langsam, so kann man nicht arbeiten', signals: [] },
  { language: 'de', text: 'Seit {n} Minuten in der Warteschleife, niemand geht ran', signals: ['support_failure'] },
  { language: 'es', text: 'la factura vuelve a estar mal, me cobráis {n} euros de más', signals: ['money'] },
  { language: 'es', text: 'el wifi se corta cada noche y nadie lo arregla', signals: [] },
  { language: 'it', text: 'la connessione è lentissima ogni sera, pago per la fibra', signals: [] },
  { language: 'it', text: 'in attesa da {n} minuti con il servizio clienti, nessuno risponde', signals: ['support_failure'] },
]

// Not complaints: questions and thanks, so the stream looks like a brand's mentions.
const chatter: Template[] = [
  { language: 'en', text: 'does the new router support wifi 6?', signals: [] },
  { language: 'en', text: 'thanks for the quick fix yesterday, all good now', signals: [] },
  { language: 'et', text: 'kas 5G levi jõuab ka Saaremaale?', signals: [] },
  { language: 'ru', text: 'спасибо за быструю помощь!', signals: [] },
  { language: 'de', text: 'Gibt es einen Studententarif?', signals: [] },
]

/** A fibre outage: many customers of one part of town at once, in their own languages. */
export const outageTemplates: Template[] = [
  { language: 'en', text: 'internet down in {district} since {time}, is there an outage?', signals: ['outage', 'negative_sentiment'] },
  { language: 'en', text: 'total outage here in {district}, no internet and no tv', signals: ['outage', 'negative_sentiment'] },
  { language: 'en', text: 'fibre down for the whole building in {district}, any eta on the outage?', signals: ['outage'] },
  { language: 'en', text: 'is the network down? nothing works in {district}, router light is red', signals: ['outage', 'negative_sentiment'] },
  { language: 'et', text: 'internet on maas {district} kandis, kas on rike?', signals: ['outage'] },
  { language: 'et', text: '{district}: internet ja tv ei tööta, mis rike see on?', signals: ['outage', 'negative_sentiment'] },
  { language: 'ru', text: 'в районе {district} нет интернета, это авария?', signals: ['outage'] },
  { language: 'ru', text: 'интернет не работает во всём доме, {district}. что за авария?', signals: ['outage', 'negative_sentiment'] },
  { language: 'de', text: 'Internet in {district} komplett ausgefallen, gibt es eine Störung?', signals: ['outage'] },
  { language: 'es', text: 'sin internet en {district} desde las {time}, ¿hay una avería?', signals: ['outage'] },
]

/** A billing run gone wrong: the month's fee taken twice, which the volume alone hardly shows. */
export const billingTemplates: Template[] = [
  { language: 'en', text: 'you charged me twice for this month, {n} euros taken two times', signals: ['money'] },
  { language: 'en', text: 'double charge on my card today, the monthly fee went out twice', signals: ['money', 'negative_sentiment'] },
  { language: 'et', text: 'kuutasu võeti täna kaks korda, palun tagastage', signals: ['money'] },
  { language: 'ru', text: 'списали абонентскую плату дважды, верните деньги', signals: ['money'] },
  { language: 'de', text: 'Monatsgebühr heute zweimal abgebucht, bitte erstatten', signals: ['money'] },
]

// Share of each local hour's peak rate (Tallinn), from night to the evening.
const dailyShape = [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.75, 0.95, 1, 1, 0.95, 0.9, 0.9, 0.9, 0.95, 0.95, 0.85, 0.8, 0.7, 0.55, 0.35, 0.2]
// Monday first: a little busier on Monday, quieter at the weekend.
const weeklyShape = [1.1, 1, 1, 1, 0.95, 0.7, 0.55]
// Tallinn is two hours ahead of UTC in winter; the replay stays in winter.
const tallinnOffsetMs = 2 * 3_600_000

export interface BurstSpec {
  name: string
  start: Date
  templates: Template[]
  /** Complaints per minute at the burst's height. */
  peakPerMinute: number
  /** Minutes to reach the height, to hold it, and to fade out. */
  rampMinutes: number
  holdMinutes: number
  fadeMinutes: number
}

export interface ReplaySpec {
  seed: number
  /** A Monday 00:00 Tallinn time: where the ordinary traffic begins. */
  start: Date
  /** Where it ends. */
  end: Date
  /** Mentions per hour at the busiest hour of a weekday (seven in eight are complaints). */
  peakPerHour: number
  bursts: BurstSpec[]
}

function fill(template: Template, random: () => number, at: Date, area: readonly string[]): string {
  const local = new Date(at.getTime() + tallinnOffsetMs)
  const time = `${String(local.getUTCHours()).padStart(2, '0')}:${String(Math.floor(local.getUTCMinutes() / 5) * 5).padStart(2, '0')}`
  return template.text
    .replaceAll('{district}', area[Math.floor(random() * area.length)]!)
    .replaceAll('{n}', String(10 + Math.floor(random() * 80)))
    .replaceAll('{time}', time)
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!
}

/** The mentions of the replay, in order of arrival. Pure: the same spec gives the same mentions. */
export function syntheticReplay(spec: ReplaySpec): SyntheticMention[] {
  const random = seededRandom(spec.seed)
  const mentions: SyntheticMention[] = []
  const minute = 60_000
  for (let at = spec.start.getTime(); at < spec.end.getTime(); at += minute) {
    const local = new Date(at + tallinnOffsetMs)
    const weekday = (local.getUTCDay() + 6) % 7
    const mean = (spec.peakPerHour / 60) * dailyShape[local.getUTCHours()]! * weeklyShape[weekday]!
    for (let n = poisson(mean, random); n > 0; n--) {
      const receivedAt = new Date(at + Math.floor(random() * minute))
      // About one mention in eight is a question or thanks, not a complaint.
      const complaint = random() >= 0.125
      const template = complaint ? pick(everyday, random) : pick(chatter, random)
      mentions.push({
        receivedAt,
        text: fill(template, random, receivedAt, districts),
        language: template.language,
        complaint,
        urgency: complaint ? 15 + template.signals.length * 10 + Math.floor(random() * 10) : 0,
        signals: complaint ? template.signals : [],
        burst: null,
      })
    }
    for (const burst of spec.bursts) {
      const into = (at - burst.start.getTime()) / minute
      const total = burst.rampMinutes + burst.holdMinutes + burst.fadeMinutes
      if (into < 0 || into >= total) continue
      const height =
        into < burst.rampMinutes ? (into + 1) / burst.rampMinutes : into < burst.rampMinutes + burst.holdMinutes ? 1 : (total - into) / burst.fadeMinutes
      for (let n = poisson(burst.peakPerMinute * height, random); n > 0; n--) {
        const receivedAt = new Date(at + Math.floor(random() * minute))
        const template = pick(burst.templates, random)
        mentions.push({
          receivedAt,
          text: fill(template, random, receivedAt, outageDistricts),
          language: template.language,
          complaint: true,
          urgency: 40 + Math.floor(random() * 20),
          signals: template.signals,
          burst: burst.name,
        })
      }
    }
  }
  return mentions.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
}

/** Monday 5 January 2026, 00:00 in Tallinn. */
export const replayStart = new Date('2026-01-04T22:00:00Z')

/** Tallinn wall time in the replay's winter (UTC+2) as an instant. */
export function winterTallinn(isoLocal: string): Date {
  return new Date(Date.parse(`${isoLocal}Z`) - tallinnOffsetMs)
}

/**
 * Four weeks of ordinary traffic, then a fifth week in which a fibre outage in Kalamaja breaks
 * on Tuesday at 10:40 (the busy late morning, the hardest time to stand out) and the monthly fee
 * is taken twice on Thursday at 14:00.
 */
export function outageReplaySpec(seed = 20260203): ReplaySpec {
  return {
    seed,
    start: replayStart,
    end: winterTallinn('2026-02-06T00:00:00'),
    peakPerHour: 48,
    bursts: [
      { name: 'outage', start: winterTallinn('2026-02-03T10:40:00'), templates: outageTemplates, peakPerMinute: 3, rampMinutes: 10, holdMinutes: 50, fadeMinutes: 40 },
      { name: 'billing', start: winterTallinn('2026-02-05T14:00:00'), templates: billingTemplates, peakPerMinute: 1.2, rampMinutes: 5, holdMinutes: 30, fadeMinutes: 20 },
    ],
  }
}

/** A brand of its own and a pool of customers writing to it. */
export async function insertReplayBrand(sql: Sql, slug: string, customers = 300): Promise<{ brandId: string; identityIds: string[] }> {
  const [brand] = await sql<{ id: string }[]>`
    insert into brand (slug, name, time_zone) values (${slug}, ${`${slug} telecom`}, 'Europe/Tallinn') returning id`
  const identities = await sql<{ id: string }[]>`
    with made as (
      insert into customer (display_name)
      select ${slug} || '_customer_' || n from generate_series(1, ${customers}) as n
      returning id, display_name
    )
    insert into identity (customer_id, platform, platform_user_id, handle)
    select id, 'x', 'x-' || display_name, display_name from made
    returning id::text as id`
  return { brandId: brand!.id, identityIds: identities.map((row) => row.id) }
}

/** Stores the mentions as Classify leaves them (classified, not routed), a few thousand a statement. */
export async function insertSynthetic(sql: Sql, brand: { brandId: string; identityIds: string[] }, mentions: SyntheticMention[], slug: string): Promise<void> {
  const batch = 2000
  for (let start = 0; start < mentions.length; start += batch) {
    const rows = mentions.slice(start, start + batch).map((mention, offset) => ({
      external_id: `${slug}-${start + offset}`,
      identity_id: brand.identityIds[(start + offset) % brand.identityIds.length],
      text: mention.text,
      received_at: mention.receivedAt.toISOString(),
      language: mention.language,
      complaint: mention.complaint,
      urgency: mention.urgency,
      reasons: mention.signals.map((signal) => ({ signal, points: 10, reason: signal })),
    }))
    await sql`
      insert into mention (platform, external_id, brand_id, identity_id, text, posted_at, received_at, raw, language, kind,
                           sentiment, sentiment_label, complaint_probability, complaint, priority, urgency_score, urgency_reasons,
                           model_version, classified_at)
      select 'x', r.external_id, ${brand.brandId}, r.identity_id, r.text, r.received_at - interval '20 seconds', r.received_at, '{}'::jsonb,
             r.language, 'customer', case when r.complaint then -0.6 else 0.4 end, case when r.complaint then 'negative' else 'positive' end,
             case when r.complaint then 0.9 else 0.1 end, r.complaint, 3, r.urgency, r.reasons, 'synthetic', r.received_at
        from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
               as r(external_id text, identity_id bigint, text text, received_at timestamptz, language text, complaint boolean,
                    urgency integer, reasons jsonb)`
  }
}

export interface DelayMeasurement {
  burst: string
  firstMentionAt: Date
  /** The sweep that raised the first alert of the burst; null when none did. */
  alertAt: Date | null
  /** Minutes from the burst's first mention to that sweep. */
  delayMinutes: number | null
  /** The burst's mentions that had arrived by then: how many it took. */
  burstMentionsBeforeAlert: number | null
  alerts: { kind: string; key: string; detected_at: Date }[]
  sweeps: number
}

export interface DelayOptions extends SpikeSweepOptions {
  /** Sweeps start this long before the burst, so that a false alarm before it would show. */
  leadMinutes?: number
  /** Give up this long after the burst began. */
  giveUpMinutes?: number
  /** Sweeps run at once each minute (two: a Worker's cron and a Node timer overlapping). */
  concurrentSweeps?: number
}

/**
 * Sweeps each whole minute, as the job does, from before the burst until it raises an alert for
 * the brand, and reports the delay from the burst's first mention to that sweep.
 */
export async function measureSpikeDelay(
  sql: Sql,
  brandId: string,
  mentions: SyntheticMention[],
  burst: string,
  { leadMinutes = 30, giveUpMinutes = 60, concurrentSweeps = 1, ...sweepOptions }: DelayOptions = {},
): Promise<DelayMeasurement> {
  const first = mentions.find((mention) => mention.burst === burst)
  if (!first) throw new Error(`no mention of the burst ${burst}`)
  const minute = 60_000
  let at = Math.floor((first.receivedAt.getTime() - leadMinutes * minute) / minute) * minute
  const giveUp = first.receivedAt.getTime() + giveUpMinutes * minute
  let sweeps = 0
  for (; at <= giveUp; at += minute) {
    const now = new Date(at)
    await Promise.all(Array.from({ length: concurrentSweeps }, () => sweepSpikes(sql, now, sweepOptions)))
    sweeps++
    const alerts = await sql<{ kind: string; key: string; detected_at: Date }[]>`
      select kind, key, detected_at from spike_alert where brand_id = ${brandId} and detected_at > ${new Date(first.receivedAt.getTime() - leadMinutes * minute)}
       order by id`
    if (alerts.length > 0) {
      const arrived = mentions.filter((mention) => mention.burst === burst && mention.receivedAt.getTime() < at).length
      return { burst, firstMentionAt: first.receivedAt, alertAt: now, delayMinutes: (at - first.receivedAt.getTime()) / minute, burstMentionsBeforeAlert: arrived, alerts, sweeps }
    }
  }
  return { burst, firstMentionAt: first.receivedAt, alertAt: null, delayMinutes: null, burstMentionsBeforeAlert: null, alerts: [], sweeps }
}

/**
 * The figure for bench:trends: the synthetic replay stored on `sql` (four weeks of history and
 * the fifth week's outage), swept each minute over the outage.
 */
export async function outageAlertDelay(sql: Sql, slug = 'outage-bench'): Promise<DelayMeasurement> {
  const mentions = syntheticReplay(outageReplaySpec())
  const brand = await insertReplayBrand(sql, slug)
  await insertSynthetic(sql, brand, mentions, slug)
  return measureSpikeDelay(sql, brand.brandId, mentions, 'outage')
}

export interface DemoReplayLoad {
  brandId: string
  /** When each round of the recording began. */
  rounds: Date[]
  /** Minutes of real time one round takes. */
  roundMinutes: number
}

/**
 * The demo's recorded week as the demo replays it (worker/sources/demo.ts), `rounds` times from
 * `start` at `speed` recorded minutes a real minute, stored through the listener's own store and
 * classified by Classify, each mention arriving a few seconds after it was posted. The brand is
 * the demo's (seedDemo must have run). Rounds are numbered from `firstRound`, as the replay names
 * its mentions' ids by round, so that replays stored apart do not collide.
 */
export async function storeDemoReplay(
  sql: Sql,
  { start, speed, rounds = 1, firstRound = 0 }: { start: Date; speed: number; rounds?: number; firstRound?: number },
): Promise<DemoReplayLoad> {
  const { DemoReplay, demoRecording } = await import('../../worker/sources/demo')
  const { storeMentions } = await import('../../worker/listen/store')
  const { classifyPending } = await import('../../worker/classify/pending')
  const [source] = await sql<{ id: string; brand_id: string }[]>`
    select s.id::text as id, s.brand_id::text as brand_id from source s join brand b on b.id = s.brand_id
     where b.slug = 'nordlink' and s.platform = 'demo'`
  if (!source) throw new Error('seed the demo first')
  const lastAt = Math.max(...demoRecording.map((item) => (item as { at: number }).at))
  // The replay starts its next round at the first poll after the last item; polls come every few seconds.
  const roundMinutes = lastAt / speed + 0.1
  const starts: Date[] = []
  for (let round = 0; round < rounds; round++) {
    const startedAt = new Date(start.getTime() + round * roundMinutes * 60_000)
    starts.push(startedAt)
    const replay = new DemoReplay({ speed, loop: false, max_per_poll: 10_000 })
    const cursor = JSON.stringify({ startedAt: startedAt.toISOString(), next: 0, round: firstRound + round })
    const fetched = await replay.fetchNew(cursor, { now: new Date(startedAt.getTime() + (lastAt / speed + 1) * 60_000), signal: new AbortController().signal })
    await sql.begin((tx) => storeMentions(tx, { brandId: source.brand_id, sourceId: source.id, platform: 'demo' }, fetched.mentions))
  }
  await sql`update mention set received_at = posted_at + interval '5 seconds' where source_id = ${source.id}`
  while ((await classifyPending(sql)) > 0);
  return { brandId: source.brand_id, rounds: starts, roundMinutes }
}
