// Is a post a complaint? The shipped logistic model (models/complaint.json, trained by
// train-cli.ts on complaints-train.csv). Worker-safe.

import complaintJson from './models/complaint.json' with { type: 'json' }
import { loadModel, predictSecond } from './model'

// Decoded once at module load (a few milliseconds), then every call is a lookup per feature.
const model = loadModel(complaintJson, 'models/complaint.json')

export const complaintModelVersion: string = model.file.version

/** The shipped model's recorded figures (dev macro F1 and others), for tests and the status page. */
export const complaintModelMetrics: Readonly<Record<string, number>> = model.file.metrics

/** P(complaint) for an English post, in [0, 1]; 0.5 is the decision threshold it was tuned at. */
export function complaintProbability(text: string): number {
  return predictSecond(model, text)
}
