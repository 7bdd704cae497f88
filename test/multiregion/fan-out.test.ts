/**
 * One test, three regions, three real processes: a test POSTed to the ord node fans out
 * over NATS to every node, each measures the fixture page with its own runner and
 * Chromium, and the rows stream back over SSE to the requester — keyed by node,
 * labelled by region. Choosing regions narrows the fan-out; an unknown one is refused.
 *
 *   node --import tsx --test test/multiregion/fan-out.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { describeRows, nodesSeenBy, postTest, runTest, waitUntil } from '../support/api.ts'
import { describeProcesses, type Planet, startPlanet } from './nodes.ts'

describe('a test across three region nodes', () => {
  let site: FixtureSite
  let planet: Planet
  before(async () => {
    site = await startFixtureSite()
    planet = await startPlanet([{ region: 'ord' }, { region: 'fra' }, { region: 'syd' }])
    const everyone = planet.nodes.map((n) => n.node).sort()
    await waitUntil(
      async () => (await nodesSeenBy(planet.byRegion('ord').url)).join() === everyone.join(),
      5000,
      'ord lists all three nodes',
    )
  })
  after(async () => {
    const leftovers = await planet?.stop()
    await site?.close()
    assert.deepEqual(describeProcesses(leftovers ?? []), [], 'processes the nodes started are still alive')
  })

  it('returns one complete row per node over SSE, and the same from GET /api/tests/:id', async () => {
    const ord = planet.byRegion('ord')
    site.resetTraffic()
    const run = await runTest(ord.url, { url: `${site.url}${FACTS.rich.path}` }, { timeoutMs: 90_000 })
    assert.deepEqual([...run.started.regions].sort(), ['fra', 'ord', 'syd'])

    const final = run.test.results
    assert.equal(final.length, 3, describeRows(final))
    assert.deepEqual(
      final.map((row) => [row.node, row.region]).sort(),
      planet.nodes.map((n) => [n.node, n.region]).sort(),
      'rows are keyed by node and labelled by the region that node runs in',
    )
    for (const row of final) {
      assert.equal(row.status, 'complete', describeRows(final))
      assert.equal(row.requests, FACTS.rich.requests, describeRows(final))
      assert.equal(row.httpStatus, 200)
      assert.ok(row.metrics.load !== null && row.metrics.load > 0)
      assert.equal(typeof row.updatedAt, 'number')
    }
    // Every row went live over SSE before its numbers, not only in the final snapshot.
    for (const n of planet.nodes) {
      const statuses = run.rows.filter((row) => row.node === n.node).map((row) => row.status)
      assert.equal(statuses.at(-1), 'complete', `${n.region}: ${statuses.join(' → ')}`)
      assert.ok(statuses.includes('loading'), `${n.region} streamed its progress: ${statuses.join(' → ')}`)
    }
    // Three browsers really fetched the page: each made every request of it.
    const served = site.traffic().requests
    assert.equal(served.filter((path) => path === FACTS.rich.path).length, 3)
    assert.equal(served.length, 3 * FACTS.rich.requests)

    const response = await fetch(`${ord.url}/api/tests/${run.started.id}`)
    assert.equal(response.status, 200)
    const stored = (await response.json()) as SpeedTest
    assert.equal(stored.state, 'done')
    assert.deepEqual(stored, run.test)
  })

  it('lets the three nodes on this machine take turns rather than load pages at once', async () => {
    // One load per two cores is this machine's budget (WPS_MACHINE_BUDGET), shared by the
    // three node processes: each page load (document, then its 300 ms image) has ended
    // before the next node's document is requested.
    const ord = planet.byRegion('ord')
    site.resetTraffic()
    const run = await runTest(ord.url, { url: `${site.url}${FACTS.delayed.path}` }, { timeoutMs: 90_000 })
    for (const row of run.test.results) assert.equal(row.status, 'complete', describeRows(run.test.results))
    const { timeline } = site.traffic()
    const documents = timeline.filter((e) => e.path === FACTS.delayed.path)
    const images = timeline.filter((e) => e.path !== FACTS.delayed.path)
    assert.equal(documents.length, 3)
    assert.equal(images.length, 3)
    for (let i = 1; i < 3; i++) {
      const previousImageEnd = images[i - 1]?.end ?? Number.POSITIVE_INFINITY
      const next = documents[i]?.start ?? 0
      assert.ok(
        next >= previousImageEnd,
        `load ${i + 1} began ${(previousImageEnd - next).toFixed(0)} ms before load ${i} ended`,
      )
    }
  })

  it('refuses an unknown region, and measures from the chosen region only', async () => {
    const ord = planet.byRegion('ord')
    const url = `${site.url}${FACTS.rich.path}`
    const refused = await postTest(ord.url, { url, regions: ['xyz'] })
    assert.equal(refused.status, 400)
    assert.equal((refused.body as { error: { code: string } }).error.code, 'unknown_region')

    site.resetTraffic()
    const run = await runTest(ord.url, { url, regions: ['fra'] }, { timeoutMs: 60_000 })
    const fra = planet.byRegion('fra')
    assert.deepEqual(run.started.regions, ['fra'])
    assert.deepEqual(
      run.test.results.map((row) => [row.node, row.region, row.status, row.requests]),
      [[fra.node, 'fra', 'complete', FACTS.rich.requests]],
      describeRows(run.test.results),
    )
    assert.ok(
      run.rows.every((row) => row.node === fra.node),
      'no other node sent a row',
    )
    assert.equal(site.traffic().requests.filter((path) => path === FACTS.rich.path).length, 1)
  })
})
