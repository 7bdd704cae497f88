/**
 * What users run is what is tested: `npm start`, `wps runner` and the Docker image run the
 * compiled build (dist/app/, scripts/build.mjs), not tsx. This test makes the build the way
 * the set-up step does (skipped when current), checks it stands alone — the flame workspace
 * inside it, no TypeScript loader anywhere — and starts `wps serve` the way a person does
 * (`node bin/wps.mjs serve`), then measures a fixture page through it and checks that the
 * server and the runner it booted both run the build.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runnerArgs } from '../../src/cli/runner-command.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { runTest } from '../support/api.ts'
import { startWpsServer } from '../support/wps-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUILD = join(ROOT, 'dist', 'app')

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
}

describe('the compiled build', () => {
  let site: FixtureSite
  before(async () => {
    // as scripts/setup.sh does: builds only when a source is newer than the last build
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' })
    site = await startFixtureSite()
  })
  after(() => site?.close())

  it('is current, and holds the flame library instead of importing it', async () => {
    const current = execFileSync(
      process.execPath,
      ['-e', "import('./bin/build-state.mjs').then((m) => process.stdout.write(String(m.buildIsCurrent())))"],
      { cwd: ROOT, encoding: 'utf8' },
    )
    assert.equal(current, 'true')
    const files = readdirSync(BUILD).filter((name) => name.endsWith('.mjs'))
    assert.ok(files.includes('wps.mjs'), `the entry is there: ${files}`)
    const code = files.map((name) => readFileSync(join(BUILD, name), 'utf8')).join('\n')
    assert.doesNotMatch(code, /from ["']@world-page-speed\/flame/, 'the workspace is bundled from its source')
    assert.doesNotMatch(
      code,
      /(from |import\()["'](tsx|[^"']+\.ts)["']/,
      'no TypeScript is loaded at run time',
    )
    assert.match(code, /flame runner=/, "flame's runner loop is in the build")
  })

  it('runs `wps serve` and its runner from the build, and measures a page through them', async () => {
    const server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1', WPS_LATE_WINDOW_MS: '0' })
    try {
      assert.deepEqual(commandLine(server.child.pid ?? -1).slice(1, 3), ['bin/wps.mjs', 'serve'])
      const { test } = await runTest(server.url, { url: `${site.url}${FACTS.rich.path}` })
      const row = test.results[0]
      assert.equal(row?.status, 'complete', JSON.stringify(row?.error))
      assert.equal(row?.httpStatus, 200)
      assert.equal(row?.requests, FACTS.rich.requests)
      assert.ok((row?.metrics.load ?? 0) > 0)
      // The runner stays up after the measurement (until it idles away): it is a child of the server.
      const runners = server
        .started()
        .filter((p) => p.ppid === server.child.pid && p.command.includes(' runner'))
        .map((p) => commandLine(p.pid))
      assert.equal(runners.length, 1, `one runner: ${JSON.stringify(runners)}`)
      assert.deepEqual(runners[0]?.slice(1), runnerArgs(join(BUILD, 'wps.mjs')))
      // (a server run from source through tsx would have started bin/wps.mjs instead)
    } finally {
      const { leftovers } = await server.stop()
      assert.deepEqual(leftovers, [])
    }
  })
})
