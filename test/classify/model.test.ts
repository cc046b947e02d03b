import { describe, expect, it } from 'vitest'
import { tokenStrings, type FeatureSettings } from '../../worker/classify/features'
import { dequantized, encodeModel, loadModel, ModelFormatError, predict, relativeToFirst, type ModelFile } from '../../worker/classify/model'
import { seededRandom } from '../../worker/random'

const settings: FeatureSettings = { buckets: 256, wordNgrams: 2, charMin: 2, charMax: 4, wordWeight: 1, charWeight: 1, handleWeight: 1 }

/** A small softmax model with seeded random weights, some buckets left empty so the file is sparse. */
function sampleFile(): ModelFile {
  const random = seededRandom(42)
  const weights = Float64Array.from({ length: 256 * 3 }, (_, i) => (Math.floor(i / 3) % 5 === 0 ? 0 : random() * 4 - 2))
  return encodeModel({
    version: 'test-2026.11.1',
    kind: 'softmax',
    classes: ['negative', 'neutral', 'positive'],
    features: settings,
    weights,
    bias: [0.1, -0.2, 0.3],
    trainedOn: { file: 'none' },
    metrics: { dev_accuracy: 0.5 },
  })
}

function corrupt(change: (file: Record<string, unknown>) => void): unknown {
  const file = JSON.parse(JSON.stringify(sampleFile())) as Record<string, unknown>
  change(file)
  return file
}

describe('the model file', () => {
  it('round-trips through JSON: same weights as quantized, same predictions', () => {
    const file = sampleFile()
    const model = loadModel(JSON.parse(JSON.stringify(file)), 'sample')
    expect(model.file).toEqual(file)
    expect(model.width).toBe(2)
    expect(file.nonZero).toBeLessThan(256)
    const random = seededRandom(42)
    const trained = Float64Array.from({ length: 256 * 3 }, (_, i) => (Math.floor(i / 3) % 5 === 0 ? 0 : random() * 4 - 2))
    const expected = dequantized(relativeToFirst('softmax', 3, trained, [0.1, -0.2, 0.3]).weights)
    expect(Array.from(model.weights, (q) => q * model.scale)).toEqual(Array.from(expected))
    const again = loadModel(JSON.parse(JSON.stringify(model.file)), 'sample again')
    expect(predict(again, 'my flight was cancelled :(')).toEqual(predict(model, 'my flight was cancelled :('))
  })

  it('gives probabilities over the classes that sum to one', () => {
    const model = loadModel(sampleFile())
    for (const text of ['', 'ok', '@united thanks so much!!! 😍 #BestAirline http://t.co/x']) {
      const p = predict(model, text)
      expect(p).toHaveLength(3)
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      for (const x of p) expect(x).toBeGreaterThan(0)
    }
  })

  it('encodes a logistic model with one weight per bucket', () => {
    const weights = Float64Array.from({ length: 256 }, (_, i) => (i % 7) - 3)
    // With 3 levels for weights in [-3, 3] the scale is exactly 1, so quantization is lossless.
    const file = encodeModel({ version: 'x-1', kind: 'logistic', classes: ['no', 'yes'], features: settings, weights, bias: [0.5], trainedOn: {}, metrics: {}, levels: 3 })
    const model = loadModel(file)
    expect(model.width).toBe(1)
    expect(model.scale).toBe(1)
    expect(Array.from(model.weights)).toEqual(Array.from(weights))
    expect(file.bias).toEqual([0.5])
  })

  it('refuses a corrupt file with an error naming the file and the problem', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /sample is unusable: file: /],
      [corrupt((f) => (f.format = 'something-else')), /format/],
      [corrupt((f) => delete f.scale), /scale/],
      [corrupt((f) => (f.bias = [1])), /expected 2 bias values, got 1/],
      [corrupt((f) => (f.buckets = 300)), /buckets 300 disagrees/],
      [corrupt((f) => (f.features = { ...settings, buckets: 300 })), /features.buckets: must be a power of two/],
      [corrupt((f) => (f.weights = '%%% not base64')), /not valid base64/],
      [corrupt((f) => (f.weights = String(f.weights).slice(0, 40))), /too few|end inside the index/],
      [corrupt((f) => (f.nonZero = Number(f.nonZero) - 1)), /left over/],
      [corrupt((f) => (f.kind = 'logistic')), /a logistic model has 2 classes, not 3/],
    ]
    for (const [json, message] of cases) {
      expect(() => loadModel(json, 'sample')).toThrow(ModelFormatError)
      expect(() => loadModel(json, 'sample')).toThrow(message)
    }
  })

  it('refuses an index that runs past the buckets', () => {
    // One stored bucket at index 300 of 256: gap 300 as a varint, then two int8 weights.
    const bytes = [0xac, 0x02, 1, 1]
    const json = corrupt((f) => {
      f.nonZero = 1
      f.weights = btoa(String.fromCharCode(...bytes))
    })
    expect(() => loadModel(json, 'sample')).toThrow(/names bucket 300, beyond 256 buckets/)
  })
})

describe('tweet normalization', () => {
  it('lower-cases, replaces handles and URLs, splits hashtags, shortens elongations, keeps emoji and emoticons', () => {
    expect(tokenStrings('@JetBlue is REALLY getting on my nerves !!! 😡😡 #NotHappy')).toEqual([
      '@user', 'is', 'really', 'getting', 'on', 'my', 'nerves', '!!', '😡', '😡', '#nothappy', 'not', 'happy',
    ])
    expect(tokenStrings('Soooo goooood :-) https://t.co/abc www.example.com xD')).toEqual(['soo', 'good', ':)', 'http', 'http', ':D'])
    expect(tokenStrings('don’t &amp; can\'t ?!?! order 913181 👍🏽')).toEqual(["don't", "can't", '?!', 'order', '00', '👍'])
  })
})
