// The shipped model format: a linear model over hashed features (features.ts), binary
// logistic or multinomial (softmax), with int8-quantized weights stored sparsely in base64 so
// that both models fit the Worker bundle. Worker-safe: no node: imports.
//
// Storage: softmax is unchanged by adding the same number to every class's weight of a
// feature, so weights are stored relative to the first class, whose column is then all zero
// and left out. A model of K classes stores K-1 weights per bucket; logistic regression is the
// K = 2 case (P(classes[1]) = sigmoid of the one score). Fewer columns: a smaller file and
// fewer lookups per prediction.

import { z } from 'zod'
import { extract, newFeatureVector, type FeatureSettings, type FeatureVector } from './features'

export const MODEL_FORMAT = 'earshot-linear-v1'

const featureSettingsSchema = z.object({
  buckets: z
    .number()
    .int()
    .min(2)
    .max(2 ** 24)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  wordNgrams: z.number().int().min(1).max(4),
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(0).max(8),
  wordWeight: z.number().nonnegative(),
  charWeight: z.number().nonnegative(),
  handleWeight: z.number().nonnegative(),
})

const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  /** e.g. "complaint-2026.11.1". */
  version: z.string().min(1),
  /** How it was trained: 'logistic' (2 classes) or 'softmax'; stored alike (see the top of this file). */
  kind: z.enum(['logistic', 'softmax']),
  classes: z.array(z.string().min(1)).min(2).max(16),
  buckets: z.number().int().positive(),
  /** weight = stored int8 × scale. */
  scale: z.number().positive(),
  /** How many buckets have weights stored; the others are zero. */
  nonZero: z.number().int().nonnegative(),
  /** base64 of: nonZero bucket-index gaps as LEB128 varints, then nonZero × (classes-1) int8s. */
  weights: z.string(),
  /** One per class after the first, relative to it, like the weights. */
  bias: z.array(z.number()),
  features: featureSettingsSchema,
  trainedOn: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
})

export type ModelFile = z.infer<typeof modelFileSchema>

/**
 * A model ready to predict with: the int8 weights expanded into a dense array, bucket-major.
 * They stay int8 in memory (weight = q × scale): a quarter of the cache footprint of floats, and
 * integer sums are exact, so one multiplication by the scale per feature family is enough.
 */
export interface Model {
  file: ModelFile
  /** Weights per bucket: classes - 1. */
  width: number
  weights: Int8Array
  scale: number
  bias: Float64Array
  settings: FeatureSettings
}

export class ModelFormatError extends Error {
  constructor(source: string, problem: string) {
    super(`Model ${source} is unusable: ${problem}`)
    this.name = 'ModelFormatError'
  }
}

// --- base64 without Buffer, so this runs in a Worker too ---------------------------------

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

// --- encoding ----------------------------------------------------------------------------

export interface EncodeInput {
  version: string
  kind: ModelFile['kind']
  classes: string[]
  features: FeatureSettings
  /** As trained: bucket-major, 1 per bucket for logistic, one per class for softmax. */
  weights: Float64Array | Float32Array
  /** As trained: 1 value for logistic, one per class for softmax. */
  bias: ArrayLike<number>
  trainedOn: Record<string, unknown>
  metrics: Record<string, number>
  /** Largest stored magnitude (default 127); fewer levels compress better and cost accuracy. */
  levels?: number
}

/** Trained weights and bias in the stored layout: classes-1 columns relative to the first class. */
export function relativeToFirst(kind: ModelFile['kind'], classes: number, weights: ArrayLike<number>, bias: ArrayLike<number>): { weights: Float64Array; bias: Float64Array } {
  if (kind === 'logistic') return { weights: Float64Array.from(weights), bias: Float64Array.from(bias) }
  const width = classes - 1
  const buckets = weights.length / classes
  const out = new Float64Array(buckets * width)
  for (let b = 0; b < buckets; b++) {
    const first = weights[b * classes]!
    for (let k = 1; k < classes; k++) out[b * width + k - 1] = weights[b * classes + k]! - first
  }
  const outBias = new Float64Array(width)
  for (let k = 1; k < classes; k++) outBias[k - 1] = bias[k]! - bias[0]!
  return { weights: out, bias: outBias }
}

/**
 * int8 weights with one scale for the whole model: the largest weight maps to `levels`, and
 * weights that round to zero are not stored at all.
 */
export function quantize(weights: ArrayLike<number>, levels = 127): { scale: number; quantized: Int8Array } {
  let max = 0
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i]!))
  // Rounded to float32 so the decoder multiplies by exactly what the encoder divided by.
  const scale = Math.fround(max > 0 ? max / levels : 1)
  const quantized = new Int8Array(weights.length)
  for (let i = 0; i < quantized.length; i++) quantized[i] = Math.max(-levels, Math.min(levels, Math.round(weights[i]! / scale)))
  return { scale, quantized }
}

/** The weights as a model file will hold them, back as floats: to measure what ships. */
export function dequantized(weights: ArrayLike<number>, levels = 127): Float64Array {
  const { scale, quantized } = quantize(weights, levels)
  return Float64Array.from(quantized, (q) => q * scale)
}

export function encodeModel(input: EncodeInput): ModelFile {
  const classes = input.classes.length
  if (input.kind === 'logistic' && classes !== 2) throw new Error(`a logistic model has 2 classes, not ${classes}`)
  const trainedWidth = input.kind === 'logistic' ? 1 : classes
  const buckets = input.features.buckets
  if (input.weights.length !== buckets * trainedWidth) throw new Error(`expected ${buckets * trainedWidth} weights, got ${input.weights.length}`)
  const width = classes - 1
  const stored = relativeToFirst(input.kind, classes, input.weights, input.bias)
  const { scale, quantized } = quantize(stored.weights, input.levels)
  const gaps: number[] = []
  const values: number[] = []
  let previous = -1
  for (let b = 0; b < buckets; b++) {
    let any = false
    for (let k = 0; k < width; k++) if (quantized[b * width + k] !== 0) any = true
    if (!any) continue
    let gap = b - previous - 1
    previous = b
    do {
      gaps.push((gap & 0x7f) | (gap >= 0x80 ? 0x80 : 0))
      gap >>>= 7
    } while (gap > 0)
    for (let k = 0; k < width; k++) values.push(quantized[b * width + k]! & 0xff)
  }
  const bytes = new Uint8Array(gaps.length + values.length)
  bytes.set(gaps, 0)
  bytes.set(values, gaps.length)
  return {
    format: MODEL_FORMAT,
    version: input.version,
    kind: input.kind,
    classes: input.classes,
    buckets,
    scale,
    nonZero: values.length / width,
    weights: toBase64(bytes),
    bias: Array.from(stored.bias),
    features: input.features,
    trainedOn: input.trainedOn,
    metrics: input.metrics,
  }
}

// --- decoding ----------------------------------------------------------------------------

/** Validates a parsed model file and expands it; throws ModelFormatError naming `source` and the problem. */
export function loadModel(json: unknown, source = 'model'): Model {
  const parsed = modelFileSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'file'
    throw new ModelFormatError(source, `${where}: ${issue?.message ?? 'invalid'}`)
  }
  const file = parsed.data
  const width = file.classes.length - 1
  if (file.features.buckets !== file.buckets) throw new ModelFormatError(source, `buckets ${file.buckets} disagrees with features.buckets ${file.features.buckets}`)
  if (file.kind === 'logistic' && file.classes.length !== 2) throw new ModelFormatError(source, `a logistic model has 2 classes, not ${file.classes.length}`)
  if (file.bias.length !== width) throw new ModelFormatError(source, `expected ${width} bias values, got ${file.bias.length}`)
  if (file.nonZero > file.buckets) throw new ModelFormatError(source, `nonZero ${file.nonZero} exceeds ${file.buckets} buckets`)
  let bytes: Uint8Array
  try {
    bytes = fromBase64(file.weights)
  } catch {
    throw new ModelFormatError(source, 'weights are not valid base64')
  }
  const valuesStart = bytes.length - file.nonZero * width
  if (valuesStart < file.nonZero) throw new ModelFormatError(source, `weights hold ${bytes.length} bytes, too few for ${file.nonZero} buckets of ${width} weights`)
  const weights = new Int8Array(file.buckets * width)
  let at = 0
  let bucket = -1
  for (let row = 0; row < file.nonZero; row++) {
    let gap = 0
    let shift = 0
    for (;;) {
      if (at >= valuesStart) throw new ModelFormatError(source, `weights end inside the index, at bucket ${row} of ${file.nonZero}`)
      const byte = bytes[at++]!
      gap += (byte & 0x7f) * 2 ** shift
      shift += 7
      if ((byte & 0x80) === 0) break
      if (shift > 28) throw new ModelFormatError(source, `index entry ${row} is too long`)
    }
    bucket += gap + 1
    if (bucket >= file.buckets) throw new ModelFormatError(source, `index entry ${row} names bucket ${bucket}, beyond ${file.buckets} buckets`)
    for (let k = 0; k < width; k++) {
      const q = bytes[valuesStart + row * width + k]!
      weights[bucket * width + k] = q > 127 ? q - 256 : q
    }
  }
  if (at !== valuesStart) throw new ModelFormatError(source, `${valuesStart - at} bytes left over between index and values`)
  return { file, width, weights, scale: file.scale, bias: Float64Array.from(file.bias), settings: file.features }
}

// --- prediction --------------------------------------------------------------------------

/** Sum of weights[idx[i] * width + k] over features [from, to): an exact integer. */
function sumRange(weights: Int8Array, idx: Int32Array, from: number, to: number, width: number, k: number): number {
  let sum = 0
  if (width === 1) for (let i = from; i < to; i++) sum += weights[idx[i]!]!
  else for (let i = from; i < to; i++) sum += weights[idx[i]! * width + k]!
  return sum
}

/**
 * Scores of classes 1..K-1 relative to class 0 (the logits, class 0's being 0) into `out`.
 * All features of a family share one value, so weights are summed per family and multiplied once.
 */
export function scoresInto(model: Model, fv: FeatureVector, out: Float64Array): Float64Array {
  const { width, weights, bias, scale } = model
  const { idx, n, wordEnd, charEnd } = fv
  for (let k = 0; k < width; k++) {
    out[k] =
      bias[k]! +
      scale *
        (fv.wordValue * sumRange(weights, idx, 0, wordEnd, width, k) +
          fv.charValue * sumRange(weights, idx, wordEnd, charEnd, width, k) +
          fv.handleValue * sumRange(weights, idx, charEnd, n, width, k))
  }
  return out
}

/** Probabilities of all K classes from the K-1 relative scores of scoresInto, into `out`. */
export function probabilitiesInto(scores: Float64Array, classes: number, out: Float64Array): Float64Array {
  let max = 0
  for (let k = 1; k < classes; k++) max = Math.max(max, scores[k - 1]!)
  let sum = Math.exp(-max)
  out[0] = sum
  for (let k = 1; k < classes; k++) {
    const e = Math.exp(scores[k - 1]! - max)
    out[k] = e
    sum += e
  }
  for (let k = 0; k < classes; k++) out[k] = out[k]! / sum
  return out
}

const sharedVector = newFeatureVector()
const sharedScores = new Float64Array(16)

/** Probabilities of each of model.file.classes for a text, in that order. */
export function predict(model: Model, text: string): number[] {
  scoresInto(model, extract(text, model.settings, sharedVector), sharedScores)
  const classes = model.file.classes.length
  return Array.from(probabilitiesInto(sharedScores, classes, new Float64Array(classes)))
}

/** P(classes[1]) of a two-class model, without allocating. */
export function predictSecond(model: Model, text: string): number {
  scoresInto(model, extract(text, model.settings, sharedVector), sharedScores)
  return 1 / (1 + Math.exp(-sharedScores[0]!))
}
