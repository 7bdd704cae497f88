import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { migrationSuite } from './testing/migration-suite.ts'

migrationSuite('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-migrate-'))
  return {
    location: { kind: 'sqlite', file: join(dir, 'nested', 'wps.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})

it('migrates once when several processes open one new SQLite file at the same moment (wps dev)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-migrate-race-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const store = fileURLToPath(new URL('./index.ts', import.meta.url))
  // Each child loads, then waits for the same instant, so their migrations truly overlap.
  const goAt = Date.now() + 4000
  const script = `import { appliedMigrations, openStore } from ${JSON.stringify(store)};
    await new Promise((r) => setTimeout(r, ${goAt} - Date.now()));
    const s = await openStore({ dataDir: ${JSON.stringify(dir)}, databaseUrl: null });
    console.log(JSON.stringify(await appliedMigrations(s.db))); await s.close()`
  const children = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  t.after(() => {
    for (const child of children) child.kill('SIGKILL')
  })
  const outcomes = await Promise.all(
    children.map(
      (child) =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          let out = ''
          let err = ''
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk
          })
          child.stderr.on('data', (chunk: Buffer) => {
            err += chunk
          })
          child.once('exit', (code) => resolve({ code, out, err }))
        }),
    ),
  )
  for (const { code, out, err } of outcomes) {
    assert.equal(code, 0, err)
    assert.deepEqual(JSON.parse(out), ['001_tests', '002_artifacts_and_history'])
  }
})
