// Runs Earshot's entry points as real child processes, the way a user or a deploy does.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))

export interface Running {
  url: string
  output: () => string
  stop(): Promise<number | null>
}

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment without anything that would point a child at a database by accident. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const key of Object.keys(env)) {
    if (key.startsWith('DATABASE_') || key.startsWith('EARSHOT_') || key === 'PORT' || key.startsWith('CLOUDFLARE_')) {
      delete env[key]
    }
  }
  return { ...env, NO_COLOR: '1', ...extra }
}

/** Runs a TypeScript entry of the project under Node to the end. */
export function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: projectRoot, env: cleanEnv(env) })
  return finished(child)
}

export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts `worker/node.ts` on a free port and resolves once it prints where it listens. */
export function startNode(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/node.ts', ...args], {
    cwd: projectRoot,
    env: cleanEnv({ PORT: '0', ...env }),
  })
  return whenReady(child, /Earshot is running at (http:\/\/\S+)/)
}

/** Starts `wrangler dev` (the local workerd runtime) and resolves once it is ready. */
/** `wrangler dev` with `env` for wrangler itself and `vars` as the Worker's bindings. */
export async function startWorker(env: Record<string, string>, vars: Record<string, string> = {}): Promise<Running> {
  const port = await freePort()
  const varFlags = Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`])
  const wrangler = fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url))
  const child = spawn(
    process.execPath,
    [wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--test-scheduled', '--show-interactive-dev-session=false', ...varFlags],
    { cwd: projectRoot, env: cleanEnv({ WRANGLER_SEND_METRICS: 'false', CI: 'true', ...env }) },
  )
  return whenReady(child, /Ready on (http:\/\/\S+)/)
}

function whenReady(child: ChildProcess, ready: RegExp): Promise<Running> {
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = ready.exec(output)
      if (match) resolve({ url: match[1]!, output: () => output, stop })
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)))
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
