/**
 * A data folder (`WPS_DATA_DIR`: SQLite and artifacts) for each node a test starts, so
 * tests never write into the checkout's `./data` and never see each other's tests. All
 * of them live under one temporary folder per test process, removed when it exits.
 *
 *   spawn(node, ['bin/wps.mjs', 'serve'], { env: { WPS_DATA_DIR: freshDataDir('ord'), … } })
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let root: string | null = null

export function freshDataDir(label = 'node'): string {
  if (root === null) {
    const made = mkdtempSync(join(tmpdir(), 'wps-data-'))
    root = made
    process.once('exit', () => rmSync(made, { recursive: true, force: true }))
  }
  mkdirSync(root, { recursive: true })
  return mkdtempSync(join(root, `${label.replace(/[^a-z0-9-]/gi, '_')}-`))
}
