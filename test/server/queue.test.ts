/**
 * Rows that wait for a free browser say so. A real node whose pool may hold one runner
 * with one page load at a time (and no machine-wide budget, so only the pool's line is
 * seen) is given three tests at once: one boots the runner and runs, one waits behind
 * it ("1 ahead"), and one waits behind both — queuePosition 2, then 1, then it runs. Its
 * cold-start figure is the boot alone: the test that waited for others' loads booted
 * nothing and is not cold, however long it queued.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { startTestServer, type TestServer } from '../support/node-server.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { readEvents } from '../support/sse.ts'

describe('queued rows', () => {
  let site: FixtureSite
  let server: TestServer
  before(async () => {
    site = await startFixtureSite()
    server = await startTestServer({
      WPS_ALLOW_PRIVATE: '1',
      WPS_POOL_MAX: '1',
      WPS_POOL_MAX_CONCURRENCY: '1',
      WPS_MACHINE_BUDGET: '0',
      WPS_LATE_WINDOW_MS: '0',
    })
  })
  after(async () => {
    await server?.close()
    await site?.close()
  })

  it('reports each waiting row as queued with its place in line, then runs it; the badge counts no queue time', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/api/tests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${site.url}${FACTS.delayed.path}` }),
      })
      assert.equal(response.status, 201)
      ids.push(((await response.json()) as { id: string }).id)
    }
    const streams = await Promise.all(
      ids.map((id) => readEvents(`${server.url}/api/tests/${id}/events`, (e) => e.event === 'done', 120_000)),
    )
    const rowsOf = streams.map((events) =>
      events.filter((e) => e.event === 'region').map((e) => e.data as RegionResult),
    )
    const positions = rowsOf.map((rows) =>
      rows.filter((r) => r.status === 'queued').map((r) => r.queuePosition),
    )
    // Which test came first in the pool's line is the server's business; each place is there once.
    const byFirst = [...positions].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    assert.deepEqual(byFirst, [[], [1], [2, 1]], JSON.stringify(positions))

    const third = positions.findIndex((p) => p[0] === 2)
    const firstIndex = positions.findIndex((p) => p.length === 0)
    const rows = rowsOf[third] as RegionResult[]
    const statuses = rows.map((r) => r.status)
    const lastQueued = statuses.lastIndexOf('queued')
    assert.ok(statuses.indexOf('loading') > lastQueued, `queued before loading: ${statuses.join(' → ')}`)
    assert.equal(statuses.at(-1), 'complete')
    for (const row of rows.filter((r) => r.status === 'queued')) {
      assert.deepEqual(await schemaErrors('RegionResult', row), [])
    }

    const finals = await Promise.all(
      ids.map(async (id) => (await (await fetch(`${server.url}/api/tests/${id}`)).json()) as SpeedTest),
    )
    for (const test of finals) {
      assert.equal(test.results[0]?.status, 'complete')
      assert.equal(test.results[0]?.queuePosition, undefined, 'an ended row has no place in line')
    }
    // The first test booted the runner and its browser: cold, with a boot figure.
    const booted = finals[firstIndex]?.results[0]
    assert.equal(booted?.cold, true)
    assert.ok((booted?.bootMs ?? 0) > 0)
    // The third waited for two page loads (each at least the fixture's delay), and booted nothing.
    const firstQueued = rows.find((r) => r.status === 'queued')?.updatedAt ?? 0
    const loading = rows.find((r) => r.status === 'loading')?.updatedAt ?? 0
    assert.ok(loading - firstQueued >= 2 * FACTS.delayed.delayMs, `queued for ${loading - firstQueued} ms`)
    const waited = finals[third]?.results[0]
    assert.equal(waited?.cold, false, `queued ${loading - firstQueued} ms, bootMs ${waited?.bootMs}`)
    assert.equal(waited?.bootMs, 0)
  })
})
