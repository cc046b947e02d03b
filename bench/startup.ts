// `npm run bench:startup`: how long `npm start` takes to serve /healthz on a fresh embedded
// database (cold) and on the same one again (warm), against the floor of booting PGlite
// alone in this process; and how big the Worker bundle is, gzipped.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import { cleanEnv, finished, projectRoot } from '../test/support/process'

const goalMs = 60_000

async function timeNpmStart(dataDir: string): Promise<number> {
  const started = performance.now()
  const child = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: cleanEnv({ PORT: '0', EARSHOT_DATA_DIR: dataDir }),
    detached: true,
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk
        const match = /Earshot is running at (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      child.once('close', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)))
    })
    const response = await fetch(`${url}/healthz`)
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`)
    return performance.now() - started
  } finally {
    process.kill(-child.pid!, 'SIGINT')
    await new Promise((resolve) => child.once('close', resolve))
  }
}

async function pgliteBoot(): Promise<number> {
  const started = performance.now()
  const db = await PGlite.create()
  await db.query('select 1')
  const ms = performance.now() - started
  await db.close()
  return ms
}

async function workerGzipBytes(): Promise<number> {
  const outdir = await mkdtemp(join(tmpdir(), 'earshot-worker-'))
  try {
    const wrangler = join(projectRoot, 'node_modules/wrangler/bin/wrangler.js')
    const child = spawn(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], {
      cwd: projectRoot,
      env: cleanEnv({ WRANGLER_SEND_METRICS: 'false' }),
    })
    const run = await finished(child)
    if (run.code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${run.stderr}`)
    return gzipSync(await readFile(join(outdir, 'index.js'))).length
  } finally {
    await rm(outdir, { recursive: true, force: true })
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'earshot-bench-'))
try {
  console.log('Booting PGlite alone (baseline)…')
  const baselineMs = await pgliteBoot()
  console.log(`  ${baselineMs.toFixed(0)} ms`)
  console.log('npm start on a fresh data folder (cold)…')
  const coldMs = await timeNpmStart(dataDir)
  console.log(`  ${coldMs.toFixed(0)} ms`)
  console.log('npm start on the same folder (warm)…')
  const warmMs = await timeNpmStart(dataDir)
  console.log(`  ${warmMs.toFixed(0)} ms`)
  console.log('Building the Worker bundle…')
  const gzipBytes = await workerGzipBytes()
  console.log(`  ${(gzipBytes / 1024).toFixed(1)} KiB gzip`)
  console.log(
    JSON.stringify({
      bench: 'startup',
      cold_start_ms: Math.round(coldMs),
      warm_start_ms: Math.round(warmMs),
      baseline: 'pglite boot',
      baseline_ms: Math.round(baselineMs),
      ratio: Number((coldMs / baselineMs).toFixed(2)),
      worker_gzip_kib: Number((gzipBytes / 1024).toFixed(1)),
      goal: `cold start <= ${goalMs} ms`,
      met: coldMs <= goalMs,
    }),
  )
} finally {
  await rm(dataDir, { recursive: true, force: true })
}
