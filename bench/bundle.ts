// `npm run bench:bundle`: the inbox's first-load JavaScript, gzip, against its 50 kB budget and
// against the smallest Preact app (one rendered paragraph) built the same way in the same run;
// and, apart, what opening Trends adds (its chunk with the chart library, loaded on demand).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { buildWeb, bundleOptions, firstLoadBudget } from '../web/build'

// kB as the budget counts them: 1,000 bytes.
const gzipKB = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length / 1000

async function minimalPreact(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-bundle-'))
  try {
    const entry = join(dir, 'main.tsx')
    await writeFile(entry, "import { render } from 'preact'\nrender(<p>Earshot</p>, document.body)\n")
    const result = await build({ ...bundleOptions, entryPoints: [entry], write: false, nodePaths: [join(process.cwd(), 'node_modules')] })
    return gzipKB(result.outputFiles[0]!.contents)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const built = await buildWeb()
// First load is main.js with the chunks it imports statically (build.ts sums them the same way).
const js = built.jsGzipBytes / 1000
const chart = built.chartGzipBytes / 1000
const css = gzipKB(await readFile(built.cssPath))
const chartCss = gzipKB(await readFile(join(dirname(built.cssPath), 'uplot.css')))
const baseline = await minimalPreact()
console.log(
  `first-load JavaScript ${js.toFixed(1)} kB gzip in ${built.firstLoad.length} files (budget ${firstLoadBudget / 1000} kB), CSS ${css.toFixed(1)} kB; ` +
    `a bare Preact app: ${baseline.toFixed(1)} kB; the Trends chunk with the chart library: ${chart.toFixed(1)} kB, its CSS ${chartCss.toFixed(1)} kB, on demand`,
)
console.log(
  JSON.stringify({
    bench: 'bundle',
    js_gzip_kb: Number(js.toFixed(1)),
    first_load_files: built.firstLoad.length,
    css_gzip_kb: Number(css.toFixed(1)),
    chart_chunk_gzip_kb: Number(chart.toFixed(1)),
    chart_css_gzip_kb: Number(chartCss.toFixed(1)),
    baseline: 'bare preact app',
    baseline_gzip_kb: Number(baseline.toFixed(1)),
    ratio: Number((js / baseline).toFixed(1)),
    goal: `first-load JS <= ${firstLoadBudget / 1000} kB gzip`,
    met: js * 1000 <= firstLoadBudget,
  }),
)
