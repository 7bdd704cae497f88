/**
 * The server serves `web/dist`; an end-to-end test must see the page built from the
 * current sources. Rebuilding only when a source is newer than the build keeps other
 * tests that read `web/dist` at the same time from seeing it half-written.
 *
 *   await ensureWebBuilt()   // no-op when web/dist is up to date
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const WEB = fileURLToPath(new URL('../../web', import.meta.url))

function newestSource(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestSource(join(path, name))))
}

export async function ensureWebBuilt(): Promise<void> {
  const built = join(WEB, 'dist', 'index.html')
  const sources = ['index.html', 'vite.config.ts', 'src'].map((name) => join(WEB, name))
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestSource))) return
  await build({ root: WEB, logLevel: 'warn' })
}
