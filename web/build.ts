// Bundles the web app into dist/web, which Node serves and the Worker ships as static assets,
// and says how the first-load JavaScript stands against its budget on every build.
//
// The bundle is split: pages that only some roles open (Trends, with its chart library) are
// loaded by a dynamic import() when first shown, so they cost the inbox nothing. Code they share
// with the rest of the app lands in shared chunks that main.js imports; those count as first load
// and are announced in index.html as module preloads, so the browser fetches them alongside main.js.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type BuildOptions, type Metafile } from 'esbuild'

/** What the inbox may cost a browser on first load: JavaScript, gzip, in bytes (50 kB). */
export const firstLoadBudget = 50_000

const outdir = 'dist/web'
const chunkDir = 'chunks'

/** How the web app is bundled; the bundle benchmark builds its baseline the same way. */
export const bundleOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
} satisfies BuildOptions

/** The module that the Trends page loads lazily; its chunk carries the chart library. */
export const chartEntry = 'web/trends/dashboard.tsx'

export interface BuiltFile {
  path: string
  gzipBytes: number
}

export interface WebBuild {
  jsPath: string
  cssPath: string
  /** main.js and every chunk it imports statically: what any page costs on first load. */
  firstLoad: BuiltFile[]
  jsGzipBytes: number
  /** What opening Trends adds: its chunk with the chart library, and what only it imports. */
  chartChunk: BuiltFile[]
  chartGzipBytes: number
}

const gzipBytes = async (path: string) => gzipSync(await readFile(path), { level: 9 }).length

/** `from` and every output it imports without import(), transitively. */
function staticClosure(outputs: Metafile['outputs'], from: string): Set<string> {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path)
  }
  visit(from)
  return seen
}

export async function buildWeb(): Promise<WebBuild> {
  await mkdir(outdir, { recursive: true })
  // Chunk names carry a content hash: without this, every build would leave its old chunks behind.
  await rm(`${outdir}/${chunkDir}`, { recursive: true, force: true })
  const result = await build({
    ...bundleOptions,
    entryPoints: ['web/main.tsx'],
    outdir,
    splitting: true,
    chunkNames: `${chunkDir}/[name]-[hash]`,
    metafile: true,
  })
  const outputs = result.metafile.outputs
  const jsPath = `${outdir}/main.js`
  const first = staticClosure(outputs, jsPath)
  const chartOutput = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === chartEntry)
  if (!chartOutput) throw new Error(`${chartEntry} is not a chunk of its own: is it still loaded with import()?`)
  if (first.has(chartOutput)) throw new Error(`${chartEntry} is part of the first load: something imports it statically`)
  const chart = [...staticClosure(outputs, chartOutput)].filter((path) => !first.has(path))

  // The chart library's stylesheet is fetched by the Trends page, not by every page.
  await copyFile('node_modules/uplot/dist/uPlot.min.css', `${outdir}/uplot.css`)
  await copyFile('web/style.css', `${outdir}/style.css`)
  const preloads = [...first]
    .filter((path) => path !== jsPath)
    .map((path) => `    <link rel="modulepreload" href="/${path.slice(outdir.length + 1)}" />\n`)
    .join('')
  const html = await readFile('web/index.html', 'utf8')
  const script = '    <script type="module" src="/main.js"></script>\n'
  if (!html.includes(script)) throw new Error('web/index.html no longer loads /main.js the way build.ts expects')
  await writeFile(`${outdir}/index.html`, html.replace(script, preloads + script))

  const sized = (paths: Iterable<string>) => Promise.all([...paths].map(async (path) => ({ path, gzipBytes: await gzipBytes(path) })))
  const firstLoad = await sized(first)
  const chartChunk = await sized(chart)
  const sum = (files: BuiltFile[]) => files.reduce((total, file) => total + file.gzipBytes, 0)
  return { jsPath, cssPath: `${outdir}/style.css`, firstLoad, jsGzipBytes: sum(firstLoad), chartChunk, chartGzipBytes: sum(chartChunk) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { jsGzipBytes, firstLoad, chartGzipBytes } = await buildWeb()
  const files = firstLoad.length > 1 ? ` in ${firstLoad.length} files` : ''
  const line = `web: first-load JavaScript ${(jsGzipBytes / 1000).toFixed(1)} kB gzip${files} of a ${firstLoadBudget / 1000} kB budget; Trends adds ${(chartGzipBytes / 1000).toFixed(1)} kB when opened`
  if (jsGzipBytes > firstLoadBudget) {
    console.error(`${line}: over budget`)
    process.exitCode = 1
  } else console.log(line)
}
