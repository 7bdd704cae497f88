// The compiled build of `wps`: esbuild bundles the CLI (src/cli/wps.ts) and everything it
// imports — the flame workspace included, resolved to its TypeScript source through
// tsconfig.json's paths — into ESM files under dist/app/, for Node 20. npm packages stay
// outside the bundle (imported from node_modules at run time). Each command's module, and
// what only some paths need (puppeteer, the store, Fastify), is a separate chunk loaded by
// the `import()` that asks for it, so `wps runner` loads only what a runner needs.
//
//   node scripts/build.mjs            build when a source is newer than the last build
//   node scripts/build.mjs --force    build anyway
//
// scripts/setup.sh runs it (so `npm start` and `npm test` do); bin/wps.mjs runs the build
// when it is current (bin/build-state.mjs), the sources through tsx otherwise.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { BUILD_DIR, buildIsCurrent, ROOT, STAMP } from '../bin/build-state.mjs'

const force = process.argv.includes('--force')
if (!force && buildIsCurrent()) process.exit(0)

const started = performance.now()
rmSync(BUILD_DIR, { recursive: true, force: true })
await build({
  absWorkingDir: ROOT,
  entryPoints: { wps: 'src/cli/wps.ts' },
  outdir: BUILD_DIR,
  outExtension: { '.js': '.mjs' },
  // chunks beside the entry, so every file of the build sits two folders below the root
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  tsconfig: join(ROOT, 'tsconfig.json'),
  sourcemap: true,
  logLevel: 'warning',
})
writeFileSync(STAMP, `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`)
process.stderr.write(`[build] dist/app/ in ${Math.round(performance.now() - started)} ms\n`)
