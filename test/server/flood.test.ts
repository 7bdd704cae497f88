/**
 * A bounded flood against one real `wps serve` process, as the fault suite asks: the
 * limits hold exactly when starts arrive all at once, and 300 live event streams on one
 * node all get their test to the end while the node keeps answering `/healthz`. Only
 * correctness is asserted here; how fast `/healthz` answers meanwhile is a figure of
 * `npm run bench -- flood` (bench/flood.ts).
 *
 *   node --import tsx --test test/server/flood.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { readEvents } from '../support/sse.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'

const SSE_CLIENTS = 300

const post = async (base: string, body: unknown) => {
  const response = await fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  })
  const json = (await response.json()) as { id?: string; error?: { code: string } }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json }
}

describe('a bounded flood on one node', () => {
  let site: FixtureSite
  let server: WpsServer
  before(async () => {
    site = await startFixtureSite()
    server = await startWpsServer({
      WPS_ALLOW_PRIVATE: '1',
      WPS_POOL_BACKEND: 'local',
      WPS_NAV_TIMEOUT_MS: '6000',
      WPS_RATE_LIMIT_PER_MIN: '1000',
      WPS_RATE_LIMIT_PER_HOST_PER_MIN: '3',
    })
  })
  after(async () => {
    const stopped = await server?.stop()
    await site?.close()
    assert.deepEqual(stopped?.leftovers ?? [], [], 'the server left processes behind')
  })

  it('admits exactly the per-host limit of 40 starts sent at once; every other is 429 with Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => post(server.url, { url: `${site.url}/` })),
    )
    const admitted = answers.filter((a) => a.status === 201)
    const refused = answers.filter((a) => a.status !== 201)
    assert.equal(admitted.length, 3)
    assert.equal(refused.length, 37)
    for (const answer of refused) {
      assert.equal(answer.status, 429)
      assert.equal(answer.json.error?.code, 'rate_limited')
      assert.ok(Number(answer.retryAfter) >= 1, `Retry-After ${answer.retryAfter}`)
    }
    // Each admitted test runs to its end.
    for (const { json } of admitted) {
      const events = await readEvents(`${server.url}/api/tests/${json.id}/events`, (e) => e.event === 'done')
      const done = events.at(-1)
      assert.equal(done?.event, 'done')
      assert.equal((done.data as SpeedTest).results[0]?.status, 'complete')
    }
  })

  it(`streams one test to ${SSE_CLIENTS} clients at once, to the end, while /healthz answers`, async () => {
    // A page whose load never fires: the test lasts the navigation timeout, long enough for every client to join.
    const started = await post(server.url, {
      url: `${site.url.replace('127.0.0.1', 'localhost')}${FACTS.never.path}`,
    })
    assert.equal(started.status, 201, JSON.stringify(started.json))
    const events = `${server.url}/api/tests/${started.json.id}/events`
    const streams = Array.from({ length: SSE_CLIENTS }, () =>
      readEvents(events, (e) => e.event === 'done', 60_000),
    )
    const health: number[] = []
    let flooding = true
    const probing = (async () => {
      while (flooding) {
        const answer = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) })
        health.push(answer.status)
        await answer.arrayBuffer()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const all = await Promise.all(streams)
    flooding = false
    await probing
    for (const received of all) {
      assert.equal(received[0]?.event, 'region', 'each client first gets the row as it is')
      const done = received.at(-1)
      assert.equal(done?.event, 'done')
      const test = done?.data as SpeedTest
      assert.equal(test.id, started.json.id)
      assert.equal(test.results[0]?.error?.code, 'timeout')
    }
    assert.ok(health.length >= 5, `only ${health.length} health checks ran during the flood`)
    assert.deepEqual([...new Set(health)], [200])
  })
})
