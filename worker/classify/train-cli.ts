// Trains the shipped models (npm run train): the complaint detector on complaints-train.csv and
// English sentiment on airline-sentiment-train.csv. Hyperparameters are chosen by k-fold
// cross-validation on the training sets only; dev is scored once at the end, for the record.
// Deterministic: a fixed seed and a fixed order of floating-point operations, so the same
// inputs give byte-identical model files.

import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { seededRandom } from '../random'
import { dataPath, isDomainRow, readComplaints, readSentiment, sentimentLabels, type ComplaintRow, type SentimentRow } from './csv'
import { extract, newFeatureVector, valueAt, type FeatureSettings } from './features'
import { dequantized, encodeModel, loadModel, predict, relativeToFirst, type Model, type ModelFile } from './model'

// --- data in compressed-row form ---------------------------------------------------------

/** Feature vectors of many texts, row r in [offsets[r], offsets[r+1]). */
export interface Dataset {
  offsets: Int32Array
  idx: Int32Array
  val: Float32Array
  labels: Int32Array
  size: number
}

export function buildDataset(texts: readonly string[], labels: readonly number[], settings: FeatureSettings): Dataset {
  const fv = newFeatureVector()
  const offsets = new Int32Array(texts.length + 1)
  let idx = new Int32Array(texts.length * 256)
  let val = new Float32Array(texts.length * 256)
  let at = 0
  texts.forEach((text, r) => {
    extract(text, settings, fv)
    if (at + fv.n > idx.length) {
      const size = Math.max(at + fv.n, idx.length * 2)
      const grownIdx = new Int32Array(size)
      const grownVal = new Float32Array(size)
      grownIdx.set(idx)
      grownVal.set(val)
      idx = grownIdx
      val = grownVal
    }
    idx.set(fv.idx.subarray(0, fv.n), at)
    for (let i = 0; i < fv.n; i++) val[at + i] = valueAt(fv, i)
    at += fv.n
    offsets[r + 1] = at
  })
  return { offsets, idx: idx.slice(0, at), val: val.slice(0, at), labels: Int32Array.from(labels), size: texts.length }
}

/** The rows `rows` of a dataset, in that order. */
export function subset(ds: Dataset, rows: readonly number[]): Dataset {
  let total = 0
  for (const r of rows) total += ds.offsets[r + 1]! - ds.offsets[r]!
  const offsets = new Int32Array(rows.length + 1)
  const idx = new Int32Array(total)
  const val = new Float32Array(total)
  let at = 0
  rows.forEach((r, i) => {
    const from = ds.offsets[r]!
    const to = ds.offsets[r + 1]!
    idx.set(ds.idx.subarray(from, to), at)
    val.set(ds.val.subarray(from, to), at)
    at += to - from
    offsets[i + 1] = at
  })
  return { offsets, idx, val, labels: Int32Array.from(rows, (r) => ds.labels[r]!), size: rows.length }
}

// --- deterministic randomness ------------------------------------------------------------

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const tmp = items[i]!
    items[i] = items[j]!
    items[j] = tmp
  }
  return items
}

// --- the trainer ---------------------------------------------------------------------------

export interface TrainOptions {
  /** 'logistic' needs labels 0/1; 'softmax' labels 0..classes-1. */
  kind: 'logistic' | 'softmax'
  classes: number
  buckets: number
  epochs: number
  /** AdaGrad's base step. */
  learningRate: number
  /** L2 penalty, applied to the weights an example touches each time it is seen. */
  l2: number
  seed: number
  /** Per-class weight of the loss, e.g. to even out an imbalanced class; 1 each if absent. */
  classWeights?: readonly number[]
  /**
   * Weights to start from and to shrink towards instead of zero (transfer from a related task):
   * buckets the new data never touches keep what the prior learned.
   */
  prior?: Trained
  /** Called after each epoch, for progress output. */
  onEpoch?: (epoch: number, loss: number) => void
}

export interface Trained {
  weights: Float64Array
  bias: Float64Array
}

/**
 * Logistic or softmax regression by AdaGrad SGD over shuffled examples. AdaGrad gives rare
 * n-grams larger steps than common ones, which suits hashed text features, and needs no
 * learning-rate schedule; everything runs in float64 in a fixed order, so it is reproducible.
 */
export function trainLinear(ds: Dataset, o: TrainOptions): Trained {
  const width = o.kind === 'logistic' ? 1 : o.classes
  const weights = o.prior ? Float64Array.from(o.prior.weights) : new Float64Array(o.buckets * width)
  const anchor = o.prior ? o.prior.weights : null
  const squares = new Float64Array(o.buckets * width)
  const bias = o.prior ? Float64Array.from(o.prior.bias) : new Float64Array(width)
  const biasSquares = new Float64Array(width)
  const grad = new Float64Array(width)
  const order = Array.from({ length: ds.size }, (_, i) => i)
  const random = seededRandom(o.seed)
  const eps = 1e-8
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random)
    let loss = 0
    for (const r of order) {
      const from = ds.offsets[r]!
      const to = ds.offsets[r + 1]!
      const label = ds.labels[r]!
      const cw = o.classWeights ? o.classWeights[label]! : 1
      // Forward pass: scores → gradient of the log-loss with respect to each score.
      if (width === 1) {
        let z = bias[0]!
        for (let i = from; i < to; i++) z += weights[ds.idx[i]!]! * ds.val[i]!
        const p = 1 / (1 + Math.exp(-z))
        grad[0] = (p - label) * cw
        loss -= cw * Math.log(label === 1 ? Math.max(p, 1e-12) : Math.max(1 - p, 1e-12))
      } else {
        for (let k = 0; k < width; k++) grad[k] = bias[k]!
        for (let i = from; i < to; i++) {
          const base = ds.idx[i]! * width
          const v = ds.val[i]!
          for (let k = 0; k < width; k++) grad[k] = grad[k]! + weights[base + k]! * v
        }
        let max = -Infinity
        for (let k = 0; k < width; k++) max = Math.max(max, grad[k]!)
        let sum = 0
        for (let k = 0; k < width; k++) {
          grad[k] = Math.exp(grad[k]! - max)
          sum += grad[k]!
        }
        for (let k = 0; k < width; k++) {
          const p = grad[k]! / sum
          if (k === label) loss -= cw * Math.log(Math.max(p, 1e-12))
          grad[k] = (p - (k === label ? 1 : 0)) * cw
        }
      }
      for (let i = from; i < to; i++) {
        const base = ds.idx[i]! * width
        const v = ds.val[i]!
        for (let k = 0; k < width; k++) {
          const j = base + k
          const g = grad[k]! * v + o.l2 * (anchor ? weights[j]! - anchor[j]! : weights[j]!)
          squares[j] = squares[j]! + g * g
          weights[j] = weights[j]! - (o.learningRate * g) / (Math.sqrt(squares[j]!) + eps)
        }
      }
      for (let k = 0; k < width; k++) {
        const g = grad[k]!
        biasSquares[k] = biasSquares[k]! + g * g
        bias[k] = bias[k]! - (o.learningRate * g) / (Math.sqrt(biasSquares[k]!) + eps)
      }
    }
    o.onEpoch?.(epoch + 1, loss / ds.size)
  }
  return { weights, bias }
}

/** Probabilities for every row of a dataset from float weights (before quantization). */
export function predictDataset(ds: Dataset, t: Trained): Float64Array[] {
  const width = t.bias.length
  const result: Float64Array[] = []
  for (let r = 0; r < ds.size; r++) {
    const z = Float64Array.from(t.bias)
    for (let i = ds.offsets[r]!; i < ds.offsets[r + 1]!; i++) {
      const base = ds.idx[i]! * width
      for (let k = 0; k < width; k++) z[k] = z[k]! + t.weights[base + k]! * ds.val[i]!
    }
    if (width === 1) {
      const p = 1 / (1 + Math.exp(-z[0]!))
      result.push(Float64Array.of(1 - p, p))
    } else {
      let max = -Infinity
      for (const s of z) max = Math.max(max, s)
      let sum = 0
      for (let k = 0; k < width; k++) {
        z[k] = Math.exp(z[k]! - max)
        sum += z[k]!
      }
      for (let k = 0; k < width; k++) z[k] = z[k]! / sum
      result.push(z)
    }
  }
  return result
}

// --- metrics -----------------------------------------------------------------------------

export interface ClassScores {
  precision: number
  recall: number
  f1: number
  support: number
}

export interface Scores {
  accuracy: number
  macroF1: number
  perClass: ClassScores[]
}

/** Accuracy, macro-averaged F1 and per-class precision/recall/F1 of predicted against gold labels. */
export function score(gold: readonly number[], predicted: readonly number[], classes: number): Scores {
  const tp = new Array<number>(classes).fill(0)
  const fp = new Array<number>(classes).fill(0)
  const fn = new Array<number>(classes).fill(0)
  let correct = 0
  gold.forEach((g, i) => {
    const p = predicted[i]!
    if (p === g) {
      correct++
      tp[g]!++
    } else {
      fp[p]!++
      fn[g]!++
    }
  })
  const perClass = tp.map((t, k) => {
    const precision = t + fp[k]! > 0 ? t / (t + fp[k]!) : 0
    const recall = t + fn[k]! > 0 ? t / (t + fn[k]!) : 0
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
    return { precision, recall, f1, support: t + fn[k]! }
  })
  return { accuracy: gold.length > 0 ? correct / gold.length : 0, macroF1: perClass.reduce((s, c) => s + c.f1, 0) / classes, perClass }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k
  return best
}

// --- cross-validation ----------------------------------------------------------------------

/** k folds, stratified by the given keys (labels, or label and domain), assigned with a seeded shuffle. */
export function stratifiedFolds(labels: readonly (number | string)[], k: number, seed: number): number[] {
  const random = seededRandom(seed)
  const groups = new Map<string, number[]>()
  labels.forEach((label, i) => {
    const key = String(label)
    const group = groups.get(key) ?? []
    group.push(i)
    groups.set(key, group)
  })
  const fold = new Array<number>(labels.length).fill(0)
  let next = 0
  for (const key of [...groups.keys()].sort()) {
    for (const i of shuffle(groups.get(key)!, random)) fold[i] = next++ % k
  }
  return fold
}


/** Trained weights as the model file will hold them (relative to class 0, int8), in the trained layout. */
export function asShipped(t: Trained, kind: TrainOptions['kind'], classes: number, levels = 127): Trained {
  const stored = relativeToFirst(kind, classes, t.weights, t.bias)
  const q = dequantized(stored.weights, levels)
  if (kind === 'logistic') return { weights: q, bias: stored.bias }
  const width = classes - 1
  const weights = new Float64Array(q.length / width * classes)
  for (let b = 0; b < q.length / width; b++) for (let k = 1; k < classes; k++) weights[b * classes + k] = q[b * width + k - 1]!
  return { weights, bias: Float64Array.of(0, ...stored.bias) }
}

/**
 * Out-of-fold probabilities for every row: each row is predicted by a model that did not see it,
 * with its weights as they will ship (int8 with `levels`).
 */
export function crossValidate(ds: Dataset, folds: readonly number[], k: number, o: TrainOptions, levels: number, onFold?: (fold: number) => void): Float64Array[] {
  const out = new Array<Float64Array>(ds.size)
  for (let f = 0; f < k; f++) {
    const trainRows: number[] = []
    const testRows: number[] = []
    folds.forEach((fold, r) => (fold === f ? testRows : trainRows).push(r))
    const trained = trainLinear(subset(ds, trainRows), { ...o, onEpoch: undefined })
    predictDataset(subset(ds, testRows), asShipped(trained, o.kind, o.classes, levels)).forEach((p, i) => (out[testRows[i]!] = p))
    onFold?.(f + 1)
  }
  return out
}


// --- the two shipped models ------------------------------------------------------------------

export const COMPLAINT_VERSION = 'complaint-2026.11.1'
export const SENTIMENT_VERSION = 'sentiment-en-2026.11.1'
export const complaintClasses = ['not_complaint', 'complaint']
export const SEED = 20261129

/** The knobs of one model; cross-validation chooses some of them (see the grids below). */
export interface Hyper {
  buckets: number
  charMin: number
  charMax: number
  wordWeight: number
  /** 0 turns @handle features off. */
  handleWeight: number
  epochs: number
  learningRate: number
  l2: number
  /** Int8 levels the weights are stored with. */
  levels: number
  /** Complaint only: how much of the airline "negative vs not" model to start from and shrink towards (0 = none). */
  transfer: number
  /** Complaint only: loss weight of the complaint class (the minority, about a third). */
  complaintWeight: number
}

export function featureSettings(h: Hyper): FeatureSettings {
  return { buckets: h.buckets, wordNgrams: 2, charMin: h.charMin, charMax: h.charMax, wordWeight: h.wordWeight, charWeight: 1, handleWeight: h.handleWeight }
}

export interface Progress {
  (line: string): void
}

const quiet: Progress = () => {}

/**
 * The airline "negative vs not" model the complaint model starts from: negative tweets at an
 * airline are mostly complaints, and there are four times as many of them as complaint-labelled
 * tweets, so it knows words of discontent the complaint data has never seen.
 */
export function transferPrior(airline: readonly SentimentRow[], h: Hyper, seed: number): Trained | undefined {
  if (h.transfer === 0) return undefined
  const ds = buildDataset(
    airline.map((r) => r.text),
    airline.map((r) => (r.sentiment === 'negative' ? 1 : 0)),
    featureSettings(h),
  )
  const t = trainLinear(ds, { kind: 'logistic', classes: 2, buckets: h.buckets, epochs: 5, learningRate: h.learningRate, l2: h.l2, seed })
  return { weights: t.weights.map((w) => w * h.transfer), bias: t.bias.map((w) => w * h.transfer) }
}

function complaintOptions(h: Hyper, seed: number, prior: Trained | undefined, log: Progress): TrainOptions {
  return {
    kind: 'logistic',
    classes: 2,
    buckets: h.buckets,
    epochs: h.epochs,
    learningRate: h.learningRate,
    l2: h.l2,
    seed,
    classWeights: [1, h.complaintWeight],
    ...(prior ? { prior } : {}),
    onEpoch: (epoch, loss) => log(`complaint: epoch ${epoch}/${h.epochs}, loss ${loss.toFixed(4)}`),
  }
}

function sentimentOptions(h: Hyper, seed: number, log: Progress): TrainOptions {
  return {
    kind: 'softmax',
    classes: sentimentLabels.length,
    buckets: h.buckets,
    epochs: h.epochs,
    learningRate: h.learningRate,
    l2: h.l2,
    seed,
    onEpoch: (epoch, loss) => log(`sentiment: epoch ${epoch}/${h.epochs}, loss ${loss.toFixed(4)}`),
  }
}

export function trainComplaint(rows: readonly ComplaintRow[], airline: readonly SentimentRow[], h: Hyper, seed: number, log: Progress = quiet): Trained {
  const ds = buildDataset(
    rows.map((r) => r.text),
    rows.map((r) => r.complaint),
    featureSettings(h),
  )
  return trainLinear(ds, complaintOptions(h, seed, transferPrior(airline, h, seed), log))
}

export function trainSentiment(rows: readonly SentimentRow[], h: Hyper, seed: number, log: Progress = quiet): Trained {
  const ds = buildDataset(
    rows.map((r) => r.text),
    rows.map((r) => sentimentLabels.indexOf(r.sentiment)),
    featureSettings(h),
  )
  return trainLinear(ds, sentimentOptions(h, seed, log))
}

export function complaintFile(t: Trained, h: Hyper, trainedOn: Record<string, unknown>, metrics: Record<string, number>): ModelFile {
  return encodeModel({ version: COMPLAINT_VERSION, kind: 'logistic', classes: complaintClasses, features: featureSettings(h), weights: t.weights, bias: t.bias, trainedOn, metrics, levels: h.levels })
}

export function sentimentFile(t: Trained, h: Hyper, trainedOn: Record<string, unknown>, metrics: Record<string, number>): ModelFile {
  return encodeModel({ version: SENTIMENT_VERSION, kind: 'softmax', classes: [...sentimentLabels], features: featureSettings(h), weights: t.weights, bias: t.bias, trainedOn, metrics, levels: h.levels })
}

// --- evaluation of a shipped model ------------------------------------------------------------

export interface ComplaintEvaluation {
  all: Scores
  domain: Scores
}

/** Scores of complaint decisions (1 = complaint) on all rows and on the annotated domain rows only. */
export function scoreComplaints(rows: readonly ComplaintRow[], predicted: readonly number[]): ComplaintEvaluation {
  const domain = rows.flatMap((r, i) => (isDomainRow(r) ? [i] : []))
  return {
    all: score(
      rows.map((r) => r.complaint),
      predicted,
      2,
    ),
    domain: score(
      domain.map((i) => rows[i]!.complaint),
      domain.map((i) => predicted[i]!),
      2,
    ),
  }
}

export function evaluateComplaintModel(model: Model, rows: readonly ComplaintRow[]): ComplaintEvaluation {
  return scoreComplaints(
    rows,
    rows.map((r) => (predict(model, r.text)[1]! >= 0.5 ? 1 : 0)),
  )
}

export function evaluateSentimentModel(model: Model, rows: readonly SentimentRow[]): Scores {
  return score(
    rows.map((r) => sentimentLabels.indexOf(r.sentiment)),
    rows.map((r) => argmax(predict(model, r.text))),
    sentimentLabels.length,
  )
}

// --- model selection by cross-validation on train -------------------------------------------

export interface CvResult {
  hyper: Hyper
  score: number
}

/** The hyperparameters that differ between candidates, with each candidate's CV score: what was tried. */
function tried(results: readonly CvResult[], scoreName: string): Array<Record<string, number>> {
  const keys = (Object.keys(results[0]!.hyper) as Array<keyof Hyper>).filter((key) => results.some((r) => r.hyper[key] !== results[0]!.hyper[key]))
  return results.map((r) => ({ ...Object.fromEntries(keys.map((key) => [key, r.hyper[key]])), [scoreName]: round(r.score) }))
}

function describe(h: Hyper, base: Hyper): string {
  return Object.entries(h)
    .filter(([key, value]) => base[key as keyof Hyper] !== value)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ') || 'base'
}

/** Every combination of the listed values over a base setting. */
export function grid(base: Hyper, axes: { [K in keyof Hyper]?: Hyper[K][] }): Hyper[] {
  let out: Hyper[] = [base]
  for (const [key, values] of Object.entries(axes) as Array<[keyof Hyper, number[]]>) {
    out = out.flatMap((h) => values.map((v) => ({ ...h, [key]: v })))
  }
  return out
}

/** Mean out-of-fold macro F1 of each candidate over `repeats` different 5-fold splits (the complaint data is small, one split is noisy). */
export function selectComplaint(rows: readonly ComplaintRow[], airline: readonly SentimentRow[], candidates: readonly Hyper[], repeats: number, log: Progress): CvResult[] {
  const labels = rows.map((r) => r.complaint)
  const strata = rows.map((r) => `${r.domain}:${r.complaint}`)
  const datasets = new Map<string, Dataset>()
  const priors = new Map<string, Trained | undefined>()
  return candidates.map((h, c) => {
    const key = JSON.stringify(featureSettings(h))
    let ds = datasets.get(key)
    if (!ds) {
      ds = buildDataset(
        rows.map((r) => r.text),
        labels,
        featureSettings(h),
      )
      datasets.set(key, ds)
    }
    const priorKey = `${key} ${h.transfer} ${h.l2} ${h.learningRate}`
    if (!priors.has(priorKey)) priors.set(priorKey, transferPrior(airline, h, SEED))
    let total = 0
    for (let r = 0; r < repeats; r++) {
      const folds = stratifiedFolds(strata, 5, SEED + r)
      const oof = crossValidate(ds, folds, 5, complaintOptions(h, SEED + r, priors.get(priorKey), quiet), h.levels, (f) =>
        log(`complaint: candidate ${c + 1}/${candidates.length}, split ${r + 1}/${repeats}, fold ${f}/5`),
      )
      total += score(
        labels,
        oof.map((p) => (p[1]! >= 0.5 ? 1 : 0)),
        2,
      ).macroF1
    }
    const result = { hyper: h, score: total / repeats }
    log(`complaint: candidate ${c + 1}/${candidates.length} [${describe(h, candidates[0]!)}] CV macro F1 ${result.score.toFixed(4)}`)
    return result
  })
}

/** Out-of-fold three-class accuracy of each candidate over one stratified 5-fold split. */
export function selectSentiment(rows: readonly SentimentRow[], candidates: readonly Hyper[], log: Progress): CvResult[] {
  const labels = rows.map((r) => sentimentLabels.indexOf(r.sentiment))
  const folds = stratifiedFolds(labels, 5, SEED)
  return candidates.map((h, c) => {
    const ds = buildDataset(
      rows.map((r) => r.text),
      labels,
      featureSettings(h),
    )
    const oof = crossValidate(ds, folds, 5, sentimentOptions(h, SEED, quiet), h.levels, (f) => log(`sentiment: candidate ${c + 1}/${candidates.length}, fold ${f}/5`))
    const result = {
      hyper: h,
      score: score(
        labels,
        oof.map((p) => argmax(p)),
        sentimentLabels.length,
      ).accuracy,
    }
    log(`sentiment: candidate ${c + 1}/${candidates.length} [${describe(h, candidates[0]!)}] CV accuracy ${result.score.toFixed(4)}`)
    return result
  })
}

/** The best candidate; ties go to the earlier (simpler) one, so the choice is deterministic. */
export function best(results: readonly CvResult[]): CvResult {
  return results.reduce((a, b) => (b.score > a.score + 1e-12 ? b : a))
}

// Settled by exploratory cross-validation on train, where the alternatives were within the noise
// between CV splits (about ±0.005) or cost speed or size for nothing: word unigrams+bigrams
// (trigrams no better), character n-grams up to 4 long for complaints, @handle n-grams for complaints (+0.02 macro F1: they tell "@BTCare" from
// a friend), AdaGrad at 0.1, L2 1e-4, 2^18 buckets for complaints and 2^16 for sentiment (the
// bundle budget; 2^18 was no better), 63 int8 levels (no loss against 127, a smaller file).
export const complaintBase: Hyper = {
  buckets: 2 ** 18,
  charMin: 2,
  charMax: 4,
  wordWeight: 1,
  handleWeight: 1,
  epochs: 10,
  learningRate: 0.1,
  l2: 1e-4,
  levels: 63,
  transfer: 0,
  complaintWeight: 1,
}

export const complaintGrid = grid(complaintBase, { charMin: [2, 1], wordWeight: [1, 1.4], transfer: [0, 0.5, 1], complaintWeight: [1, 1.3] })

// Handles off: what the sentiment of a tweet is should not depend on which airline it is addressed to.
export const sentimentBase: Hyper = {
  buckets: 2 ** 16,
  charMin: 2,
  charMax: 5,
  wordWeight: 1,
  handleWeight: 0,
  epochs: 5,
  learningRate: 0.1,
  l2: 1e-4,
  levels: 63,
  transfer: 0,
  complaintWeight: 1,
}

export const sentimentGrid = grid(sentimentBase, { charMax: [4, 5], wordWeight: [1, 2], l2: [3e-5, 1e-4] })

// --- the command ---------------------------------------------------------------------------

function fileSummary(name: string, rows: number): Record<string, unknown> {
  return { file: name, rows, sha256: createHash('sha256').update(readFileSync(dataPath(name))).digest('hex') }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000
}

function modelPath(name: string): string {
  return fileURLToPath(new URL(`./models/${name}`, import.meta.url))
}

function writeModel(name: string, file: ModelFile): string {
  const text = `${JSON.stringify(file, null, 2)}\n`
  const path = modelPath(name)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  return text
}

function main(): void {
  const log: Progress = (line) => process.stderr.write(`${line}\n`)
  const complaintsTrain = readComplaints('train')
  const complaintsDev = readComplaints('dev')
  const airlineTrain = readSentiment('train')
  const airlineDev = readSentiment('dev')

  // Sentiment.
  const sentimentCv = selectSentiment(airlineTrain, sentimentGrid, log)
  const sentimentBest = best(sentimentCv)
  log(`sentiment: chose [${describe(sentimentBest.hyper, sentimentBase)}], CV accuracy ${sentimentBest.score.toFixed(4)}; training on all of train`)
  const sentimentTrained = trainSentiment(airlineTrain, sentimentBest.hyper, SEED, log)
  const sentimentTrainedOn = {
    data: fileSummary('airline-sentiment-train.csv', airlineTrain.length),
    seed: SEED,
    hyperparameters: sentimentBest.hyper,
    selection: { method: '5-fold stratified cross-validation on train, three-class accuracy', candidates: tried(sentimentCv, 'cvAccuracy') },
  }
  const sentimentDraft = loadModel(sentimentFile(sentimentTrained, sentimentBest.hyper, sentimentTrainedOn, {}), 'sentiment-en (draft)')
  const sentimentDev = evaluateSentimentModel(sentimentDraft, airlineDev)
  const sentimentMetrics: Record<string, number> = { cv_accuracy: round(sentimentBest.score), dev_accuracy: round(sentimentDev.accuracy), dev_macro_f1: round(sentimentDev.macroF1) }
  sentimentLabels.forEach((label, k) => {
    sentimentMetrics[`dev_f1_${label}`] = round(sentimentDev.perClass[k]!.f1)
  })
  const sentimentText = writeModel('sentiment-en.json', sentimentFile(sentimentTrained, sentimentBest.hyper, sentimentTrainedOn, sentimentMetrics))

  // Complaints.
  const complaintCv = selectComplaint(complaintsTrain, airlineTrain, complaintGrid, 3, log)
  const complaintBest = best(complaintCv)
  log(`complaint: chose [${describe(complaintBest.hyper, complaintBase)}], CV macro F1 ${complaintBest.score.toFixed(4)}; training on all of train`)
  const complaintTrained = trainComplaint(complaintsTrain, airlineTrain, complaintBest.hyper, SEED, log)
  const complaintTrainedOn = {
    data: fileSummary('complaints-train.csv', complaintsTrain.length),
    transferFrom: complaintBest.hyper.transfer > 0 ? fileSummary('airline-sentiment-train.csv', airlineTrain.length) : null,
    seed: SEED,
    hyperparameters: complaintBest.hyper,
    selection: {
      method: '5-fold cross-validation on train stratified by domain and label, repeated over 3 splits, macro F1 at P >= 0.5',
      candidates: tried(complaintCv, 'cvMacroF1'),
    },
    citation: 'Preotiuc-Pietro, Gaman and Aletras, "Automatically Identifying Complaints in Social Media", ACL 2019',
  }
  const complaintDraft = loadModel(complaintFile(complaintTrained, complaintBest.hyper, complaintTrainedOn, {}), 'complaint (draft)')
  const complaintDev = evaluateComplaintModel(complaintDraft, complaintsDev)
  const complaintMetrics = {
    cv_macro_f1: round(complaintBest.score),
    dev_macro_f1: round(complaintDev.all.macroF1),
    dev_macro_f1_domain: round(complaintDev.domain.macroF1),
    dev_complaint_f1: round(complaintDev.all.perClass[1]!.f1),
    dev_complaint_f1_domain: round(complaintDev.domain.perClass[1]!.f1),
    dev_accuracy: round(complaintDev.all.accuracy),
  }
  const complaintText = writeModel('complaint.json', complaintFile(complaintTrained, complaintBest.hyper, complaintTrainedOn, complaintMetrics))

  const size = (text: string): string => `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB raw, ${(gzipSync(text, { level: 9 }).length / 1024).toFixed(1)} KB gzip`
  process.stdout.write(
    [
      `complaint.json     ${COMPLAINT_VERSION}  ${size(complaintText)}`,
      `  dev macro F1 ${complaintMetrics.dev_macro_f1.toFixed(4)} (all ${complaintsDev.length} rows), ${complaintMetrics.dev_macro_f1_domain.toFixed(4)} (domain rows); complaint-class F1 ${complaintMetrics.dev_complaint_f1.toFixed(4)}; CV on train ${complaintMetrics.cv_macro_f1.toFixed(4)}`,
      `sentiment-en.json  ${SENTIMENT_VERSION}  ${size(sentimentText)}`,
      `  dev accuracy ${sentimentMetrics.dev_accuracy!.toFixed(4)} (${airlineDev.length} rows), macro F1 ${sentimentMetrics.dev_macro_f1!.toFixed(4)}; CV on train ${sentimentMetrics.cv_accuracy!.toFixed(4)}`,
      '',
    ].join('\n'),
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()
