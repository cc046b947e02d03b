// Sentiment of English posts from the shipped softmax model (models/sentiment-en.json, trained
// by train-cli.ts on airline-sentiment-train.csv). Worker-safe.

import sentimentJson from './models/sentiment-en.json' with { type: 'json' }
import { newFeatureVector, extract } from './features'
import { loadModel, probabilitiesInto, scoresInto } from './model'

export type EnglishSentimentLabel = 'negative' | 'neutral' | 'positive'

export interface EnglishSentiment {
  /** P(positive) - P(negative), in [-1, 1]. */
  score: number
  /** The most probable class. */
  label: EnglishSentimentLabel
  probabilities: Record<EnglishSentimentLabel, number>
}

const model = loadModel(sentimentJson, 'models/sentiment-en.json')
const order = model.file.classes
if (order.length !== 3 || order[0] !== 'negative' || order[1] !== 'neutral' || order[2] !== 'positive') {
  throw new Error(`models/sentiment-en.json: classes are ${JSON.stringify(order)}, expected negative, neutral, positive`)
}

export const sentimentModelVersion: string = model.file.version

/** The shipped model's recorded figures (dev accuracy and others), for tests and the status page. */
export const sentimentModelMetrics: Readonly<Record<string, number>> = model.file.metrics

const vector = newFeatureVector()
const scores = new Float64Array(2)
const probabilities = new Float64Array(3)

export function englishSentiment(text: string): EnglishSentiment {
  probabilitiesInto(scoresInto(model, extract(text, model.settings, vector), scores), 3, probabilities)
  const negative = probabilities[0]!
  const neutral = probabilities[1]!
  const positive = probabilities[2]!
  const label: EnglishSentimentLabel = negative >= neutral && negative >= positive ? 'negative' : positive > neutral ? 'positive' : 'neutral'
  return { score: positive - negative, label, probabilities: { negative, neutral, positive } }
}
