// `npm run -s classify < in.jsonl > out.jsonl`: one JSON object per line in, one out, in order.
// A bad line gets an error line of its own; the run goes on.
import { createInterface } from 'node:readline'
import { classifyLine } from './jsonl'

async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let count = 0
  for await (const line of lines) {
    if (line.trim() === '') continue
    process.stdout.write(`${classifyLine(line)}\n`)
    if (++count % 10_000 === 0) process.stderr.write(`classified ${count} lines\n`)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
