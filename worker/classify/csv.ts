// Reading the labelled data in ../shared/data for training, evaluation and tests (Node only).

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'

export const dataDir = new URL('../../../shared/data/', import.meta.url)

export interface ComplaintRow {
  id: string
  text: string
  complaint: 0 | 1
  domain: string
}

export const sentimentLabels = ['negative', 'neutral', 'positive'] as const
export type SentimentLabel = (typeof sentimentLabels)[number]

export interface SentimentRow {
  id: string
  text: string
  sentiment: SentimentLabel
}

/** The rows of the "random" domains: general tweets taken as non-complaints, not annotated. */
export function isDomainRow(row: ComplaintRow): boolean {
  return row.domain !== 'random_reply' && row.domain !== 'random_tweet'
}

export function dataPath(name: string): string {
  return fileURLToPath(new URL(name, dataDir))
}

function records(name: string): Record<string, string>[] {
  // Texts hold quoted newlines and commas: only a real CSV parser reads them right.
  const rows: unknown = parse(readFileSync(dataPath(name), 'utf8'), { columns: true, skip_empty_lines: true })
  if (!Array.isArray(rows)) throw new Error(`${name}: not a table`)
  return rows as Record<string, string>[]
}

function field(row: Record<string, string>, column: string, name: string, line: number): string {
  const value = row[column]
  if (value === undefined) throw new Error(`${name} row ${line}: no column ${column}`)
  return value
}

export function readComplaints(split: 'train' | 'dev'): ComplaintRow[] {
  const name = `complaints-${split}.csv`
  return records(name).map((row, i) => {
    const label = field(row, 'complaint', name, i + 1)
    if (label !== '0' && label !== '1') throw new Error(`${name} row ${i + 1}: complaint is ${JSON.stringify(label)}, not 0 or 1`)
    return { id: field(row, 'id', name, i + 1), text: field(row, 'text', name, i + 1), complaint: label === '1' ? 1 : 0, domain: field(row, 'domain', name, i + 1) }
  })
}

export function readSentiment(split: 'train' | 'dev'): SentimentRow[] {
  const name = `airline-sentiment-${split}.csv`
  return records(name).map((row, i) => {
    const label = field(row, 'airline_sentiment', name, i + 1)
    if (!(sentimentLabels as readonly string[]).includes(label)) throw new Error(`${name} row ${i + 1}: airline_sentiment is ${JSON.stringify(label)}`)
    return { id: field(row, 'tweet_id', name, i + 1), text: field(row, 'text', name, i + 1), sentiment: label as SentimentLabel }
  })
}
