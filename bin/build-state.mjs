// Whether the compiled build of `wps` (dist/app/, made by scripts/build.mjs) is current:
// its stamp is newer than every source it is made of — each non-test TypeScript file under
// src/ (the flame workspace included), tsconfig.json (its paths resolve the workspace) and
// the build script. A checkout whose sources changed after the last build is not current,
// so `wps` then runs them through tsx instead of running stale JavaScript.
//
//   import { BUILT_ENTRY, buildIsCurrent } from './build-state.mjs'
//   if (buildIsCurrent()) await import(BUILT_ENTRY)
//
// Plain JavaScript on purpose: bin/wps.mjs reads it before any TypeScript loader exists.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Where the build goes. Two folders deep, as src/<layer>/ is: paths a module resolves from its own URL (`../../web/dist`) hold in both. */
export const BUILD_DIR = join(ROOT, 'dist', 'app')
export const BUILT_ENTRY = join(BUILD_DIR, 'wps.mjs')
/** Written last by the build: its modification time is the build's. */
export const STAMP = join(BUILD_DIR, 'build-stamp.json')

const SOURCE_FILES = ['tsconfig.json', 'scripts/build.mjs']

function newestIn(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist')
        newest = Math.max(newest, newestIn(join(dir, entry.name)))
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs)
    }
  }
  return newest
}

function newestSource() {
  let newest = newestIn(join(ROOT, 'src'))
  for (const file of SOURCE_FILES) newest = Math.max(newest, statSync(join(ROOT, file)).mtimeMs)
  return newest
}

/** True when dist/app/ holds a build at least as new as every source. */
export function buildIsCurrent() {
  let built
  try {
    built = statSync(STAMP).mtimeMs
  } catch {
    return false
  }
  return built >= newestSource()
}
