// Bundles the web app into dist/web, which Node serves and the Worker ships as static assets,
// and says how the first-load JavaScript stands against its budget on every build.
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type BuildOptions } from 'esbuild'

/** What the inbox may cost a browser on first load: JavaScript, gzip, in bytes (50 kB). */
export const firstLoadBudget = 50_000

const outdir = 'dist/web'

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

export async function buildWeb(): Promise<{ jsPath: string; cssPath: string; jsGzipBytes: number }> {
  await mkdir(outdir, { recursive: true })
  await build({ ...bundleOptions, entryPoints: ['web/main.tsx'], outdir })
  await Promise.all(['index.html', 'style.css'].map((file) => copyFile(`web/${file}`, `${outdir}/${file}`)))
  const jsPath = `${outdir}/main.js`
  const jsGzipBytes = gzipSync(await readFile(jsPath), { level: 9 }).length
  return { jsPath, cssPath: `${outdir}/style.css`, jsGzipBytes }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { jsGzipBytes } = await buildWeb()
  const line = `web: first-load JavaScript ${(jsGzipBytes / 1000).toFixed(1)} kB gzip of a ${firstLoadBudget / 1000} kB budget`
  if (jsGzipBytes > firstLoadBudget) {
    console.error(`${line}: over budget`)
    process.exitCode = 1
  } else console.log(line)
}
