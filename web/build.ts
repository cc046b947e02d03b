// Bundles the web app into dist/web, which Node serves and the Worker ships as static assets.
import { copyFile, mkdir } from 'node:fs/promises'
import { build } from 'esbuild'

const outdir = 'dist/web'
await mkdir(outdir, { recursive: true })
await build({
  entryPoints: ['web/main.tsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir,
  logLevel: 'warning',
})
await Promise.all(['index.html', 'style.css'].map((file) => copyFile(`web/${file}`, `${outdir}/${file}`)))
