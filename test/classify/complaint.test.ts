import { describe, expect, it } from 'vitest'
import { complaintModelMetrics, complaintModelVersion, complaintProbability } from '../../worker/classify/complaint'
import { readComplaints } from '../../worker/classify/csv'
import { scoreComplaints } from '../../worker/classify/train-cli'

describe('complaintProbability (shipped model)', () => {
  it('names its version', () => {
    expect(complaintModelVersion).toMatch(/^complaint-\d{4}\.\d{1,2}\.\d+$/)
  })

  it('keeps the macro F1 on complaints-dev recorded when it was trained, within 0.02', () => {
    const dev = readComplaints('dev')
    const e = scoreComplaints(
      dev,
      dev.map((r) => (complaintProbability(r.text) >= 0.5 ? 1 : 0)),
    )
    const recorded = complaintModelMetrics.dev_macro_f1
    expect(recorded).toBeTypeOf('number')
    expect(e.all.macroF1).toBeGreaterThanOrEqual(recorded! - 0.02)
    expect(e.domain.macroF1).toBeGreaterThanOrEqual(complaintModelMetrics.dev_macro_f1_domain! - 0.02)
  })

  it('calls obvious complaints complaints and praise not', () => {
    for (const text of [
      '@AcmeTelecom my internet has been down for 3 days and nobody answers the phone. Worst service ever',
      "@ShopCo still waiting for my refund, it's been 6 weeks. This is ridiculous",
      '@Airline lost my luggage AGAIN and your app keeps crashing #fail',
    ]) {
      expect(complaintProbability(text), text).toBeGreaterThan(0.5)
    }
    for (const text of [
      '@AcmeTelecom thank you so much, the engineer was brilliant and fixed everything in minutes!',
      'Loving my new phone from @ShopCo, great price and quick delivery 😍',
      'What a beautiful sunset tonight',
    ]) {
      expect(complaintProbability(text), text).toBeLessThan(0.5)
    }
  })

  it('answers in [0, 1] for any text, empty included', () => {
    for (const text of ['', ' ', '🙂', 'a'.repeat(5000), '@a @b @c #x http://y']) {
      const p = complaintProbability(text)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThanOrEqual(1)
    }
  })
})
