/**
 * `wps run` as a user runs it: a real child process, real Chromium, the fixture site.
 * Checks the exit codes of the CLI contract (docs/architecture.md), JSON on stdout and progress on stderr.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { closedPort, FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { findAll, parseXml } from '../support/xml.ts'

const WPS = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))

function wps(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [WPS, ...args], {
      env: { ...process.env, WPS_ALLOW_PRIVATE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('wps run', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(async () => site?.close())

  it('prints the JSON of GET /api/tests/:id and exits 0 for a page that loads', async () => {
    const { code, stdout, stderr } = await wps(['run', `${site.url}${FACTS.rich.path}`, '--json'])
    assert.equal(code, 0, stderr)
    const test = JSON.parse(stdout) as SpeedTest
    assert.equal(test.state, 'done')
    assert.equal(test.url, `${site.url}${FACTS.rich.path}`)
    assert.deepEqual(Object.keys(test).sort(), ['createdAt', 'id', 'results', 'state', 'url'])
    const row = test.results[0]
    assert.equal(row?.status, 'complete')
    assert.equal(row?.requests, FACTS.rich.requests)
    assert.match(stderr, /Starting browser/)
    assert.match(stderr, /Loading page/)
  })

  it('prints a table and exits 1 when the page answers 404', async () => {
    const { code, stdout } = await wps(['run', `${site.url}/404`])
    assert.equal(code, 1)
    assert.match(stdout, /region\s+status\s+http/)
    assert.match(stdout, /local\s+http_error\s+404/)
  })

  it('exits 1 with a clear error for a refused connection', async () => {
    const port = await closedPort()
    const { code, stdout } = await wps(['run', `http://127.0.0.1:${port}/`])
    assert.equal(code, 1)
    assert.match(stdout, /connection_refused/)
  })

  it('exits 2 on a usage error or an invalid URL', async () => {
    assert.equal((await wps(['run'])).code, 2)
    assert.equal((await wps(['run', 'a', 'b'])).code, 2)
    assert.equal((await wps(['run', 'x.com', '--bogus'])).code, 2)
    assert.equal((await wps(['run', 'x.com', '--runs', '9'])).code, 2)
    const invalid = await wps(['run', 'ftp://example.com'])
    assert.equal(invalid.code, 2)
    assert.match(invalid.stderr, /invalid_url/)
    assert.equal((await wps(['frobnicate'])).code, 2)
  })

  it('exits 2 for an unknown region, 1 for a blocked address', async () => {
    const region = await wps(['run', `${site.url}/`, '--region', 'xyz'])
    assert.equal(region.code, 2)
    assert.match(region.stderr, /--region xyz: .*Available: local/)
    const blocked = await wps(['run', `${site.url}/`], { WPS_ALLOW_PRIVATE: '0' })
    assert.equal(blocked.code, 1)
    assert.match(blocked.stderr, /blocked_address/)
  })

  describe('with a budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wps-run-budget-'))
    const budgetFile = (budget: unknown) => {
      const path = join(dir, `budget-${Math.random().toString(36).slice(2)}.json`)
      writeFileSync(path, JSON.stringify(budget))
      return path
    }

    it('exits 1 naming each failed region × limit; --json carries the verdicts; --junit has a case per limit', async () => {
      // The defaults would pass; the region's own entry (fewer requests than /rich makes) fails.
      const budget = budgetFile({
        metrics: { lcp: 60_000, cls: 1 },
        requests: 100,
        regions: { local: { requests: FACTS.rich.requests - 1 } },
      })
      const junit = join(dir, 'junit.xml')
      const url = `${site.url}${FACTS.rich.path}`
      const { code, stdout, stderr } = await wps(['run', url, '--json', '--budget', budget, '--junit', junit])
      assert.equal(code, 1, stderr)
      const row = (JSON.parse(stdout) as SpeedTest).results[0]
      assert.equal(row?.status, 'complete')
      assert.deepEqual(row?.budget?.passed, false)
      assert.deepEqual(
        row?.budget?.checks.map((c) => [c.metric, c.limit, c.passed]),
        [
          ['lcp', 60_000, true],
          ['cls', 1, true],
          ['requests', FACTS.rich.requests - 1, false],
        ],
      )
      assert.equal(row?.budget?.checks[2]?.value, FACTS.rich.requests)
      assert.match(stderr, /Budget: 1 of 3 checks failed/)
      assert.match(stderr, new RegExp(`local  requests ${FACTS.rich.requests} > ${FACTS.rich.requests - 1}`))
      const xml = parseXml(readFileSync(junit, 'utf8'))
      const cases = findAll(xml, 'testcase')
      assert.deepEqual(
        cases.map((c) => [c.attributes.classname, c.attributes.name, findAll(c, 'failure').length]),
        [
          ['local', 'lcp ≤ 60.00 s', 0],
          ['local', 'cls ≤ 1.000', 0],
          ['local', `requests ≤ ${FACTS.rich.requests - 1}`, 1],
        ],
      )
    })

    it('exits 0 within budget and prints that it passed', async () => {
      const budget = budgetFile({ requests: FACTS.rich.requests, transferBytes: 10_000_000 })
      const { code, stdout, stderr } = await wps(['run', `${site.url}${FACTS.rich.path}`, '--budget', budget])
      assert.equal(code, 0, stderr)
      assert.match(stdout, /Budget: all 2 checks passed/)
    })

    it('exits 2 in its own words for a budget file that is missing or wrong, before measuring', async () => {
      const missing = await wps(['run', `${site.url}/`, '--budget', join(dir, 'nope.json')])
      assert.equal(missing.code, 2)
      assert.match(missing.stderr, /--budget .*nope\.json: no such file/)
      const wrong = await wps(['run', `${site.url}/`, '--budget', budgetFile({ metrics: { lcpp: 1 } })])
      assert.equal(wrong.code, 2)
      assert.match(wrong.stderr, /"metrics\.lcpp" is not a metric/)
      assert.doesNotMatch(wrong.stderr, /Starting browser/)
      const junitAlone = await wps(['run', `${site.url}/`, '--junit', join(dir, 'x.xml')])
      assert.equal(junitAlone.code, 2)
      assert.match(junitAlone.stderr, /--junit FILE .*--budget FILE/)
    })
  })
})
