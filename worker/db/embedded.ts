import { mkdir, open, readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export interface EmbeddedDatabase {
  /** A postgres:// URL for postgres.js; the socket server ignores the password, postgres.js wants one. */
  url: string
  /** Where the data lives, or "memory". */
  location: string
  stop(): Promise<void>
}

export interface EmbeddedOptions {
  /** A folder to keep the database in; omitted, the database lives in memory and ends with the process. */
  dataDir?: string
  /** Must be at least the postgres.js pool size, or the extra connections are refused. */
  maxConnections: number
}

/** Starts PGlite and serves it on a loopback port so postgres.js can talk to it like any server. */
export async function startEmbeddedDatabase({ dataDir, maxConnections }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const location = dataDir ? resolve(dataDir) : 'memory'
  const releaseLock = dataDir ? await lockDataDir(location) : async () => {}
  try {
    const db = dataDir ? await PGlite.create(join(location, 'pgdata')) : await PGlite.create()
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections })
    await server.start()
    return {
      url: `postgres://postgres:postgres@${server.getServerConn()}/postgres`,
      location,
      async stop() {
        await server.stop()
        await db.close()
        await releaseLock()
      },
    }
  } catch (error) {
    await releaseLock()
    throw error
  }
}

/**
 * PGlite has no lock of its own, and two processes writing one folder corrupt it. A pid file
 * says who holds the folder; one left by a process that is gone is taken over.
 */
async function lockDataDir(location: string): Promise<() => Promise<void>> {
  await mkdir(location, { recursive: true })
  const lockFile = join(location, 'earshot.pid')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => rm(lockFile, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim())
      if (holder && holder !== process.pid && isRunning(holder)) {
        throw new Error(`${location} is in use by another Earshot process (pid ${holder}); stop it or set EARSHOT_DATA_DIR`)
      }
      await rm(lockFile, { force: true })
    }
  }
  throw new Error(`could not lock ${location}`)
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
