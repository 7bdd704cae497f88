/**
 * Where is Chromium? `CHROME_PATH` wins; otherwise the usual places a Debian/Ubuntu
 * package or a Google Chrome install puts it. Nothing is ever downloaded.
 *
 *   const exe = findChrome()            // '/usr/bin/chromium'
 *   findChrome({ CHROME_PATH: '/x' })   // throws: CHROME_PATH=/x is not an executable file…
 */
import { accessSync, constants, statSync } from 'node:fs'

export const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
] as const

const INSTALL_HINT =
  'Install it with `apt-get install chromium` (Debian/Ubuntu, as root), or set CHROME_PATH to a Chromium or Chrome executable.'

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function findChrome(
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = CHROME_CANDIDATES,
): string {
  const configured = env.CHROME_PATH?.trim()
  if (configured) {
    if (isExecutableFile(configured)) return configured
    throw new Error(`CHROME_PATH=${configured} is not an executable file. ${INSTALL_HINT}`)
  }
  const found = candidates.find(isExecutableFile)
  if (found) return found
  throw new Error(`Chromium was not found (looked in ${candidates.join(', ')}). ${INSTALL_HINT}`)
}
