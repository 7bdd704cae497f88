/**
 * `wps run --har FILE`: the test written as a HAR 1.2 file, by a real child process
 * measuring the fixture's waterfall page in real Chromium.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { type LateSite, startLateSite, WATERFALL } from '../fixtures/late-site.ts'
import { harErrors } from '../support/har-check.ts'
import { wps } from '../support/wps-cli.ts'

describe('wps run --har', () => {
  let site: LateSite
  let dir: string
  before(async () => {
    site = await startLateSite()
    dir = await mkdtemp(join(tmpdir(), 'wps-har-'))
  })
  after(async () => {
    await site?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes a valid HAR 1.2 file with every request of the row and its timings', async () => {
    const file = join(dir, 'out.har')
    const { code, stdout, stderr } = await wps(
      ['run', `${site.url}${WATERFALL.path}`, '--json', '--har', file],
      {
        WPS_ALLOW_PRIVATE: '1',
      },
    )
    assert.equal(code, 0, stderr)
    const test = JSON.parse(stdout) as SpeedTest
    const har: unknown = JSON.parse(await readFile(file, 'utf8'))
    assert.deepEqual(harErrors(har), [])
    const { log } = har as {
      log: {
        pages: Array<{ id: string }>
        entries: Array<{ pageref: string; request: { url: string }; timings: { wait: number } }>
      }
    }
    assert.equal(log.pages.length, 1)
    assert.equal(log.entries.length, test.results[0]?.requests)
    assert.ok(log.entries.every((e) => e.pageref === log.pages[0]?.id))
    const css = log.entries.find((e) => e.request.url.endsWith(WATERFALL.cssPath))
    // Chromium stamps sendEnd after its write returns: up to 5% short of the server's delay on a busy machine.
    assert.ok(css && css.timings.wait >= WATERFALL.delayMs * 0.95, `css wait ${css?.timings.wait}`)
    assert.match(stderr, /HAR written to/)
  })

  it('says so and exits 1 when the file cannot be written, after printing the result', async () => {
    const file = join(dir, 'no-such-folder', 'out.har')
    const { code, stdout, stderr } = await wps(
      ['run', `${site.url}${WATERFALL.path}`, '--json', '--har', file],
      {
        WPS_ALLOW_PRIVATE: '1',
        WPS_LATE_WINDOW_MS: '0',
      },
    )
    assert.equal(code, 1)
    assert.equal((JSON.parse(stdout) as SpeedTest).state, 'done')
    assert.match(stderr, /could not write .*out\.har/)
  })
})
