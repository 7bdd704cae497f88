/**
 * The late window through the whole system: a real node (in-process runner, real
 * Chromium) measures the late fixture page; over SSE the row comes first with the
 * numbers at `load` + settle (`final: false`) and then again with the late shift, long
 * tasks and hero (`final: true`), and only then is the test done. The stored test and
 * its HAR carry the final numbers and every request's timing phases.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { LATE, type LateSite, startLateSite } from '../fixtures/late-site.ts'
import { harErrors } from '../support/har-check.ts'
import { startTestServer, type TestServer } from '../support/node-server.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { readEvents } from '../support/sse.ts'

describe('a row that stays true after load', () => {
  let site: LateSite
  let server: TestServer
  before(async () => {
    site = await startLateSite()
    server = await startTestServer({ WPS_ALLOW_PRIVATE: '1', WPS_LATE_WINDOW_MS: '5000' })
  })
  after(async () => {
    await server?.close()
    await site?.close()
  })

  it('streams the first numbers (final: false), then the final row, then done; GET and HAR agree', async () => {
    const response = await fetch(`${server.url}/api/tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${site.url}${LATE.path}` }),
    })
    assert.equal(response.status, 201)
    const { id } = (await response.json()) as { id: string }
    const events = await readEvents(`${server.url}/api/tests/${id}/events`, (e) => e.event === 'done')
    const rows = events.filter((e) => e.event === 'region').map((e) => e.data as RegionResult)
    const complete = rows.filter((row) => row.status === 'complete')
    assert.deepEqual(
      complete.map((row) => row.final),
      [false, true],
      'first numbers, then the final row',
    )
    const [first, final] = complete as [RegionResult, RegionResult]
    // The hero comes 1.5 s after load: never in the first numbers. (The shift and the first long
    // task can be, on a machine slow enough to push the settle read past load + 250 ms.)
    assert.equal(first.requests, 1)
    assert.ok((first.metrics.lcp ?? 0) < (first.metrics.load ?? 0) + LATE.heroAfterLoadMs)
    assert.ok((first.metrics.tbt ?? 0) <= (final.metrics.tbt ?? 0))
    assert.ok((final.metrics.cls ?? 0) > 0.1, `final cls ${final.metrics.cls}`)
    assert.ok((final.metrics.tbt ?? 0) >= LATE.tbt - 3, `final tbt ${final.metrics.tbt}`)
    assert.ok((final.metrics.lcp ?? 0) >= (final.metrics.load ?? 0) + LATE.heroAfterLoadMs)
    assert.equal(final.requests, LATE.requests)
    const done = events.at(-1)?.data as SpeedTest
    assert.equal(done.state, 'done')

    const stored = (await (await fetch(`${server.url}/api/tests/${id}`)).json()) as SpeedTest
    assert.deepEqual(await schemaErrors('SpeedTest', stored), [])
    const row = stored.results[0]
    assert.equal(row?.final, true)
    assert.deepEqual(row?.metrics, final.metrics)
    // The response schema names the waterfall fields, so none is dropped on the way out.
    const hero = row?.entries?.find((e) => e.url.endsWith('/late/hero.png'))
    assert.ok(hero?.timings && hero.timings.wait >= 0 && hero.mimeType === 'image/png', JSON.stringify(hero))
    assert.equal(typeof hero.initiator?.type, 'string')

    const harResponse = await fetch(`${server.url}/api/tests/${id}/har`)
    assert.equal(harResponse.status, 200)
    assert.match(harResponse.headers.get('content-disposition') ?? '', new RegExp(`${id}\\.har`))
    const har = (await harResponse.json()) as { log: { pages: unknown[]; entries: unknown[] } }
    assert.deepEqual(harErrors(har), [])
    assert.equal(har.log.pages.length, 1)
    assert.equal(har.log.entries.length, LATE.requests)
    assert.equal((await fetch(`${server.url}/api/tests/nope/har`)).status, 404)
  })
})
