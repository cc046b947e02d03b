import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Migration } from './migrate'

export const migrationsDirectory = fileURLToPath(new URL('../../sql/', import.meta.url))

const migrationFile = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Reads `sql/NNNN_name.sql` in version order; a misnamed or duplicated version is an error, not a skip. */
export async function loadMigrations(directory = migrationsDirectory): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = migrationFile.exec(file)
    if (!match) throw new Error(`sql/${file} is not named NNNN_name.sql (four digits, then lower-case words)`)
    const version = Number(match[1])
    const previous = migrations.at(-1)
    if (previous && previous.version === version) {
      throw new Error(`sql/${previous.file} and sql/${file} share version ${version}`)
    }
    const sql = await readFile(join(directory, file), 'utf8')
    migrations.push({ version, name: match[2]!, file, sql, checksum: sha256(sql) })
  }
  return migrations
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

