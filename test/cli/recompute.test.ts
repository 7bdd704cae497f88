/**
 * The repeat view and "gather once, compute again" as a user meets them: `wps run
 * --repeat-view` against a page with cacheable resources (real Chromium, the runner's
 * egress proxy, a data folder of its own), then `wps recompute` on the stored test —
 * offline, from the row's gathered.json.gz — which gives back exactly the stored numbers,
 * and other numbers when asked for another definition (a TBT threshold), which only a
 * computation from the raw entries can do.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import type { RecomputedTest } from '../../src/speedtest/recompute.ts'
import { CACHE, type CacheSite, startCacheSite } from '../fixtures/cache-site.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { freshDataDir } from '../support/data-dir.ts'
import { wps } from '../support/wps-cli.ts'

type Report = Omit<RecomputedTest, 'updated'>

describe('wps run --repeat-view and wps recompute', () => {
  let cacheSite: CacheSite
  let site: FixtureSite
  const env = {
    WPS_ALLOW_PRIVATE: '1',
    WPS_DATA_DIR: freshDataDir('recompute'),
    WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
    WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
  }
  let repeated: SpeedTest
  before(async () => {
    cacheSite = await startCacheSite()
    site = await startFixtureSite()
  })
  after(async () => {
    await cacheSite?.close()
    await site?.close()
  })

  it('reports a repeat view beside the first: its cacheable resources come from the cache', async () => {
    cacheSite.reset()
    const run = await wps(['run', `${cacheSite.url}${CACHE.page}`, '--repeat-view', '--json'], env, {
      timeoutMs: 90_000,
    })
    assert.equal(run.code, 0, run.stderr)
    repeated = JSON.parse(run.stdout) as SpeedTest
    const row = repeated.results[0]
    assert.ok(row?.repeatView, 'the row has a repeat view')
    assert.equal(row.requests, 1 + CACHE.resources.length)
    assert.equal(row.repeatView.error, null)
    assert.equal(row.repeatView.httpStatus, 200)
    assert.equal(row.repeatView.requests, row.requests)
    assert.equal(row.repeatView.cachedRequests, CACHE.resources.length)
    assert.ok(
      row.repeatView.transferBytes * 5 < (row.transferBytes ?? 0),
      `repeat ${row.repeatView.transferBytes} B, first ${row.transferBytes} B`,
    )
    assert.ok(row.repeatView.metrics.load !== null)
    const requests = cacheSite.requests()
    assert.equal(requests.filter((p) => p === CACHE.page).length, 2, 'the no-store document, twice')
    for (const path of CACHE.resources) assert.equal(requests.filter((p) => p === path).length, 1, path)
  })

  it('recomputes the stored numbers, first and repeat view, exactly', async () => {
    const json = await wps(['recompute', repeated.id, '--json'], env)
    assert.equal(json.code, 0, json.stderr)
    const report = JSON.parse(json.stdout) as Report
    const row = repeated.results[0]
    const [recomputed] = report.rows
    assert.ok(row && recomputed?.view && recomputed.repeatView, json.stdout)
    assert.equal(recomputed.problem, null)
    assert.equal(recomputed.view.same, true)
    assert.deepEqual(recomputed.view.recomputed.metrics, row.metrics)
    assert.equal(recomputed.view.recomputed.transferBytes, row.transferBytes)
    assert.equal(recomputed.view.recomputed.requests, row.requests)
    assert.equal(recomputed.repeatView.same, true)
    assert.equal(recomputed.repeatView.recomputed.transferBytes, row.repeatView?.transferBytes)

    const text = await wps(['recompute', repeated.id], env)
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /local\s+first\s+stored/)
    assert.match(text.stdout, /local\s+first\s+recomputed/)
    assert.match(text.stdout, /local\s+repeat\s+recomputed/)
    assert.match(text.stdout, /Every recomputed number is the stored one\./)
  })

  it('computes rather than copies: another TBT threshold changes TBT alone; --write keeps it', async () => {
    const run = await wps(['run', `${site.url}${FACTS.longTask.path}`, '--json'], env, { timeoutMs: 60_000 })
    assert.equal(run.code, 0, run.stderr)
    const test = JSON.parse(run.stdout) as SpeedTest
    const stored = test.results[0]?.metrics
    assert.ok(stored?.tbt !== null && stored?.tbt !== undefined && stored.tbt >= FACTS.longTask.busyMs - 60)

    const other = await wps(['recompute', test.id, '--json', '--tbt-threshold', '100', '--write'], env)
    assert.equal(other.code, 0, other.stderr)
    const view = (JSON.parse(other.stdout) as Report).rows[0]?.view
    assert.ok(view)
    assert.equal(view.same, false)
    const tbt = view.recomputed.metrics.tbt ?? Number.NaN
    // The busy loop is one long task: 50 ms more of it is under the threshold.
    assert.ok(stored.tbt - tbt >= 49, `stored ${stored.tbt}, recomputed ${tbt}`)
    assert.deepEqual({ ...view.recomputed.metrics, tbt: stored.tbt }, stored, 'every other metric as stored')
    assert.match(other.stderr, /Stored the recomputed numbers of 1 row/)

    const again = await wps(['recompute', test.id, '--json'], env)
    const written = (JSON.parse(again.stdout) as Report).rows[0]?.view
    assert.equal(written?.stored.metrics.tbt, tbt, 'the row now holds the recomputed TBT')
    assert.equal(written?.recomputed.metrics.tbt, stored.tbt, 'and the standard definition gives the old one')
  })

  it('says so when there is no such test, and on a usage error', async () => {
    const missing = await wps(['recompute', 'nosuchtest'], env)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /No test with id nosuchtest/)
    assert.equal((await wps(['recompute'], env)).code, 2)
    assert.equal((await wps(['recompute', repeated.id, '--tbt-threshold', 'x'], env)).code, 2)
    const help = await wps(['recompute', '--help'], env)
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Usage: wps recompute <id>/)
  })
})
