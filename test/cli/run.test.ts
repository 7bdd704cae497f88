/**
 * `wps run` as a user runs it: a real child process, real Chromium, the fixture site.
 * Checks the exit codes of the CLI contract (docs/architecture.md), JSON on stdout and progress on stderr.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { closedPort, FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'

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

  it('exits 1 for an unknown region and a blocked address', async () => {
    const region = await wps(['run', `${site.url}/`, '--region', 'xyz'])
    assert.equal(region.code, 1)
    assert.match(region.stderr, /unknown_region/)
    const blocked = await wps(['run', `${site.url}/`], { WPS_ALLOW_PRIVATE: '0' })
    assert.equal(blocked.code, 1)
    assert.match(blocked.stderr, /blocked_address/)
  })
})
