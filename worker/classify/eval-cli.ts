// `npm run eval`: the shipped models against the dev splits, side by side with the baselines
// run in this same process (VADER, AFINN, natural's BayesClassifier trained on train now).
// Prints a table, then one JSON line with every figure as the last line.

import { createRequire } from 'node:module'
import { complaintModelVersion, complaintProbability } from './complaint'
import { readComplaints, readSentiment, sentimentLabels, type ComplaintRow, type SentimentLabel, type SentimentRow } from './csv'
import { englishSentiment, sentimentModelVersion } from './english-sentiment'
import { scoreComplaints, score, type ComplaintEvaluation, type Scores } from './train-cli'

// The baselines are CommonJS without type declarations; they are loaded through require and
// given the small shapes used here. natural is loaded by subpath: its root module pulls in
// storage back-ends (and their drivers) that a classifier does not need.
const require = createRequire(import.meta.url)

interface VaderScores {
  compound: number
}
const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(text: string): VaderScores } }

interface AfinnResult {
  score: number
}
const Afinn = require('sentiment') as new () => { analyze(text: string): AfinnResult }

interface NaturalClassifier {
  addDocument(text: string, label: string): void
  train(): void
  classify(text: string): string
}
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js') as new () => NaturalClassifier

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/** A predictor and its measured cost. */
interface Run<T> {
  predictions: T[]
  microsPerText: number
}

/** Predicts every text; cheap predictors are run again until half a second has passed, so their time is stable. */
function run<T>(texts: readonly string[], predict: (text: string) => T): Run<T> {
  const started = performance.now()
  const predictions = texts.map(predict)
  let passes = 1
  let elapsed = performance.now() - started
  while (elapsed < 500) {
    for (const text of texts) predict(text)
    passes++
    elapsed = performance.now() - started
  }
  return { predictions, microsPerText: (elapsed * 1000) / (passes * texts.length) }
}

function sentimentOfScore(value: number, threshold: number): SentimentLabel {
  return value >= threshold ? 'positive' : value <= -threshold ? 'negative' : 'neutral'
}

interface ComplaintFigures {
  macro_f1: number
  macro_f1_domain: number
  complaint_f1: number
  complaint_f1_domain: number
  accuracy: number
  us_per_text: number
}

interface SentimentFigures {
  accuracy: number
  macro_f1: number
  us_per_text: number
}

function r4(x: number): number {
  return Math.round(x * 10000) / 10000
}

function complaintFigures(e: ComplaintEvaluation, micros: number): ComplaintFigures {
  return {
    macro_f1: r4(e.all.macroF1),
    macro_f1_domain: r4(e.domain.macroF1),
    complaint_f1: r4(e.all.perClass[1]!.f1),
    complaint_f1_domain: r4(e.domain.perClass[1]!.f1),
    accuracy: r4(e.all.accuracy),
    us_per_text: Math.round(micros * 100) / 100,
  }
}

function evaluateComplaints(train: readonly ComplaintRow[], dev: readonly ComplaintRow[]): Record<string, { e: ComplaintEvaluation; micros: number }> {
  const texts = dev.map((r) => r.text)
  const out: Record<string, { e: ComplaintEvaluation; micros: number }> = {}
  const add = (name: string, r: Run<number>): void => {
    out[name] = { e: scoreComplaints(dev, r.predictions), micros: r.microsPerText }
  }
  log('complaint: shipped model')
  add(
    'earshot',
    run(texts, (t) => (complaintProbability(t) >= 0.5 ? 1 : 0)),
  )
  log('complaint: VADER')
  add(
    'vader',
    run(texts, (t) => (vader.SentimentIntensityAnalyzer.polarity_scores(t).compound < -0.05 ? 1 : 0)),
  )
  log('complaint: AFINN')
  const afinn = new Afinn()
  add(
    'afinn',
    run(texts, (t) => (afinn.analyze(t).score < 0 ? 1 : 0)),
  )
  log(`complaint: natural BayesClassifier, training on ${train.length} rows`)
  const bayes = new BayesClassifier()
  for (const row of train) bayes.addDocument(row.text, String(row.complaint))
  bayes.train()
  add(
    'natural_bayes',
    run(texts, (t) => (bayes.classify(t) === '1' ? 1 : 0)),
  )
  return out
}

function evaluateSentiment(train: readonly SentimentRow[], dev: readonly SentimentRow[]): Record<string, { s: Scores; micros: number }> {
  const texts = dev.map((r) => r.text)
  const gold = dev.map((r) => sentimentLabels.indexOf(r.sentiment))
  const out: Record<string, { s: Scores; micros: number }> = {}
  const add = (name: string, r: Run<SentimentLabel>): void => {
    out[name] = { s: score(gold, r.predictions.map((label) => sentimentLabels.indexOf(label)), sentimentLabels.length), micros: r.microsPerText }
  }
  log('sentiment: shipped model')
  add(
    'earshot',
    run(texts, (t) => englishSentiment(t).label),
  )
  log('sentiment: VADER')
  add(
    'vader',
    run(texts, (t) => sentimentOfScore(vader.SentimentIntensityAnalyzer.polarity_scores(t).compound, 0.05)),
  )
  log('sentiment: AFINN')
  const afinn = new Afinn()
  add(
    'afinn',
    run(texts, (t) => sentimentOfScore(afinn.analyze(t).score, 1)),
  )
  log(`sentiment: natural BayesClassifier, training on ${train.length} rows (about half a minute)`)
  const bayes = new BayesClassifier()
  for (const row of train) bayes.addDocument(row.text, row.sentiment)
  bayes.train()
  add(
    'natural_bayes',
    run(texts, (t) => {
      const label = bayes.classify(t)
      return (sentimentLabels as readonly string[]).includes(label) ? (label as SentimentLabel) : 'neutral'
    }),
  )
  return out
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join('\n')
}

const f = (x: number): string => x.toFixed(3)

function main(): void {
  const complaintsTrain = readComplaints('train')
  const complaintsDev = readComplaints('dev')
  const airlineTrain = readSentiment('train')
  const airlineDev = readSentiment('dev')

  const complaints = evaluateComplaints(complaintsTrain, complaintsDev)
  const sentiment = evaluateSentiment(airlineTrain, airlineDev)

  const names: Record<string, string> = {
    earshot: 'Earshot model',
    vader: 'VADER (compound < -0.05)',
    afinn: 'AFINN (score < 0)',
    natural_bayes: 'natural BayesClassifier',
  }
  const domainRows = complaintsDev.filter((r) => r.domain !== 'random_reply' && r.domain !== 'random_tweet').length
  const out: string[] = []
  out.push(`Complaint detection on complaints-dev.csv (${complaintsDev.length} rows; ${domainRows} domain rows), ${complaintModelVersion}`)
  out.push('Data: Preotiuc-Pietro, Gaman and Aletras, "Automatically Identifying Complaints in Social Media", ACL 2019.')
  out.push(
    table(
      ['classifier', 'macro F1', 'P (compl.)', 'R (compl.)', 'F1 (compl.)', 'accuracy', 'macro F1 domain', 'F1 compl. domain', 'µs/text'],
      Object.entries(complaints).map(([name, { e, micros }]) => [
        names[name]!,
        f(e.all.macroF1),
        f(e.all.perClass[1]!.precision),
        f(e.all.perClass[1]!.recall),
        f(e.all.perClass[1]!.f1),
        f(e.all.accuracy),
        f(e.domain.macroF1),
        f(e.domain.perClass[1]!.f1),
        micros.toFixed(1),
      ]),
    ),
  )
  out.push('')
  out.push(`English sentiment on airline-sentiment-dev.csv (${airlineDev.length} rows), ${sentimentModelVersion}`)
  out.push(
    table(
      ['classifier', 'accuracy', 'macro F1', ...sentimentLabels.flatMap((l) => [`P ${l}`, `R ${l}`, `F1 ${l}`]), 'µs/text'],
      Object.entries(sentiment).map(([name, { s, micros }]) => [
        (names[name] ?? name).replace(' (compound < -0.05)', ' (±0.05)').replace(' (score < 0)', ' (sign of score)'),
        f(s.accuracy),
        f(s.macroF1),
        ...s.perClass.flatMap((c) => [f(c.precision), f(c.recall), f(c.f1)]),
        micros.toFixed(1),
      ]),
    ),
  )
  out.push('')

  const baselines: Record<string, { complaint: ComplaintFigures; sentiment: SentimentFigures }> = {}
  for (const name of ['vader', 'afinn', 'natural_bayes']) {
    const c = complaints[name]!
    const s = sentiment[name]!
    baselines[name] = {
      complaint: complaintFigures(c.e, c.micros),
      sentiment: { accuracy: r4(s.s.accuracy), macro_f1: r4(s.s.macroF1), us_per_text: Math.round(s.micros * 100) / 100 },
    }
  }
  const ours = complaints.earshot!
  const oursSentiment = sentiment.earshot!
  const summary = {
    eval: 'classify',
    complaint_model: complaintModelVersion,
    sentiment_model: sentimentModelVersion,
    complaint_macro_f1: r4(ours.e.all.macroF1),
    complaint_macro_f1_domain: r4(ours.e.domain.macroF1),
    complaint_f1: r4(ours.e.all.perClass[1]!.f1),
    complaint_f1_domain: r4(ours.e.domain.perClass[1]!.f1),
    complaint_accuracy: r4(ours.e.all.accuracy),
    complaint_us_per_text: Math.round(ours.micros * 100) / 100,
    sentiment_accuracy: r4(oursSentiment.s.accuracy),
    sentiment_macro_f1: r4(oursSentiment.s.macroF1),
    sentiment_us_per_text: Math.round(oursSentiment.micros * 100) / 100,
    baselines,
  }
  out.push(JSON.stringify(summary))
  process.stdout.write(`${out.join('\n')}\n`)
}

main()
