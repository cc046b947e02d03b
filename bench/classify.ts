// `npm run bench:classify`: the full classification (language, sentiment, complaint, urgency) of
// real tweets and the demo's multilingual posts on one core, against vader-sentiment's polarity
// scores of the same texts in the same run.
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import vader from 'vader-sentiment'
import { classify } from '../worker/classify/classify'
import demo from '../worker/sources/demo/mentions.json' with { type: 'json' }

const data = new URL('../../shared/data/', import.meta.url)
const minimumMs = 3000

async function texts(): Promise<string[]> {
  const airline = parse(await readFile(new URL('airline-sentiment-dev.csv', data)), { columns: true }) as { text: string }[]
  const complaints = parse(await readFile(new URL('complaints-dev.csv', data)), { columns: true }) as { text: string }[]
  return [...airline.map((row) => row.text), ...complaints.map((row) => row.text), ...demo.map((item) => item.text)]
}

/** Texts per second of `work` over `corpus`, repeated until at least `minimumMs` have passed. */
function rate(corpus: string[], work: (text: string) => unknown): number {
  for (const text of corpus.slice(0, 500)) work(text) // warm-up: let the JIT see the hot paths
  let done = 0
  const started = performance.now()
  while (performance.now() - started < minimumMs) {
    for (const text of corpus) work(text)
    done += corpus.length
  }
  return Math.round(done / ((performance.now() - started) / 1000))
}

const corpus = await texts()
process.stderr.write(`${corpus.length} texts; each side runs for at least ${minimumMs / 1000} s\n`)
const ours = rate(corpus, (text) => classify(text))
const baseline = rate(corpus, (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text))
const ratio = Number((ours / baseline).toFixed(1))
console.log(`earshot classify: ${ours} texts/s; vader-sentiment: ${baseline} texts/s`)
console.log(
  JSON.stringify({
    bench: 'classify',
    texts_per_s: ours,
    baseline: 'vader',
    baseline_texts_per_s: baseline,
    ratio,
    goal: '>= 50000 texts/s and ratio >= 5',
    met: ours >= 50_000 && ratio >= 5,
  }),
)
