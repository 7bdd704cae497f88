/**
 * The file that starts `wps` in a child process: a runner the process backend spawns, the
 * nodes of `wps dev`. Running from the compiled build (dist/app/, scripts/build.mjs) that
 * is the build's own entry, so a child starts straight into compiled JavaScript; running
 * from source it is bin/wps.mjs, which runs the build when current and tsx otherwise.
 *
 *   spawn(process.execPath, [WPS_ENTRY, 'runner'])
 */
import { fileURLToPath } from 'node:url'

const fromSource = import.meta.url.endsWith('.ts')

export const WPS_ENTRY = fileURLToPath(
  new URL(fromSource ? '../../bin/wps.mjs' : './wps.mjs', import.meta.url),
)
