#!/usr/bin/env node
// Entry point for `wps`. It runs the compiled build (dist/app/, scripts/build.mjs, made by
// the set-up step) when that is current, and otherwise — sources changed since the last
// build, no build yet, or WPS_FROM_SOURCE=1 — the TypeScript sources through tsx's loader.
// The project's tsconfig is named, not looked up from the working directory: its paths send
// `@world-page-speed/flame` to the library's source, wherever `wps` is started from.
import { pathToFileURL } from 'node:url'
import { BUILT_ENTRY, buildIsCurrent, ROOT } from './build-state.mjs'

if (process.env.WPS_FROM_SOURCE !== '1' && buildIsCurrent()) {
  await import(pathToFileURL(BUILT_ENTRY).href)
} else {
  const { register } = await import('tsx/esm/api')
  register({ tsconfig: `${ROOT}/tsconfig.json` })
  await import('../src/cli/wps.ts')
}
