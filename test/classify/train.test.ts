import { describe, expect, it } from 'vitest'
import { readComplaints, readSentiment } from '../../worker/classify/csv'
import { loadModel, predict } from '../../worker/classify/model'
import { complaintBase, complaintFile, predictDataset, buildDataset, featureSettings, sentimentBase, sentimentFile, trainComplaint, trainSentiment, type Hyper } from '../../worker/classify/train-cli'

// Small subsets and a small feature space keep this fast; determinism does not depend on size.
const complaints = readComplaints('train').slice(0, 300)
const airline = readSentiment('train').slice(0, 400)
const complaintHyper: Hyper = { ...complaintBase, buckets: 2 ** 12, epochs: 3, transfer: 0.5, complaintWeight: 1.3 }
const sentimentHyper: Hyper = { ...sentimentBase, buckets: 2 ** 12, epochs: 3 }

function complaintBytes(seed: number): string {
  return JSON.stringify(complaintFile(trainComplaint(complaints, airline, complaintHyper, seed), complaintHyper, { seed }, {}))
}

function sentimentBytes(seed: number): string {
  return JSON.stringify(sentimentFile(trainSentiment(airline, sentimentHyper, seed), sentimentHyper, { seed }, {}))
}

describe('training', () => {
  it('gives byte-identical complaint models for the same data and seed', () => {
    const first = complaintBytes(7)
    expect(complaintBytes(7)).toBe(first)
    // And the seed matters (it orders the examples), so the equality above is not vacuous.
    expect(complaintBytes(8)).not.toBe(first)
  })

  it('gives byte-identical sentiment models for the same data and seed', () => {
    expect(sentimentBytes(7)).toBe(sentimentBytes(7))
  })

  it('ships what it trained: the decoded model predicts like the float weights, within quantization error', () => {
    const trained = trainSentiment(airline, sentimentHyper, 7)
    const model = loadModel(sentimentFile(trained, sentimentHyper, {}, {}))
    const texts = airline.slice(0, 50).map((r) => r.text)
    const floats = predictDataset(buildDataset(texts, texts.map(() => 0), featureSettings(sentimentHyper)), trained)
    texts.forEach((text, i) => {
      const shipped = predict(model, text)
      for (let k = 0; k < 3; k++) expect(Math.abs(shipped[k]! - floats[i]![k]!)).toBeLessThan(0.05)
    })
  })
})
