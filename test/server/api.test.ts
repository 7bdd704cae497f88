/**
 * The HTTP contract (docs/architecture.md) against a real node: real Chromium (in-process
 * runners), a fixture site on 127.0.0.1, real HTTP and SSE. HTTP-only behaviour (input
 * validation, error shapes, OpenAPI) is tested in-process in http.test.ts.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'
import { startTestServer, type TestServer } from '../support/node-server.ts'
import { parsePrometheus } from '../support/prometheus.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { siteAndServer } from '../support/site-server.ts'
import { readEvents } from '../support/sse.ts'

const post = (base: string, body: unknown) =>
  fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

interface ApiError {
  error: { code: string; message: string }
}

describe('HTTP API', () => {
  const stack = siteAndServer(startFixtureSite)

  it('runs a test and streams starting → loading → complete, then done', async () => {
    const response = await post(stack.server.url, { url: `${stack.site.url}${FACTS.delayed.path}` })
    assert.equal(response.status, 201)
    const created = (await response.json()) as {
      id: string
      url: string
      regions: string[]
      links: { self: string; events: string; page: string }
    }
    assert.equal(created.url, `${stack.site.url}${FACTS.delayed.path}`)
    assert.deepEqual(created.regions, ['local'])
    assert.deepEqual(created.links, {
      self: `/api/tests/${created.id}`,
      events: `/api/tests/${created.id}/events`,
      page: `/tests/${created.id}`,
    })

    const events = await readEvents(`${stack.server.url}${created.links.events}`, (e) => e.event === 'done')
    const statuses = events.filter((e) => e.event === 'region').map((e) => (e.data as RegionResult).status)
    // Queued first when the machine's load budget is taken (other processes on this machine measure too).
    assert.ok(['starting', 'queued'].includes(statuses[0] ?? ''), `saw ${statuses.join(',')}`)
    assert.ok(statuses.includes('loading'), `saw ${statuses.join(',')}`)
    assert.equal(statuses.at(-1), 'complete')
    const done = events.at(-1)?.data as SpeedTest
    assert.equal(done.state, 'done')
    const row = done.results[0]
    assert.ok(row)
    assert.equal(row.region, 'local')
    assert.equal(row.httpStatus, 200)
    assert.ok((row.metrics.load ?? 0) >= FACTS.delayed.delayMs, `load ${row.metrics.load}`)
    assert.equal(typeof row.cold, 'boolean')

    const stored = (await (await fetch(`${stack.server.url}${created.links.self}`)).json()) as SpeedTest
    assert.deepEqual(stored.results[0]?.metrics, row.metrics)
    // What a real measurement answers is what the OpenAPI document says.
    assert.deepEqual(await schemaErrors('SpeedTest', stored), [])
    assert.ok((row.entries?.length ?? 0) > 0, 'the row lists its requests')

    // A late subscriber gets the current state and `done` at once.
    const late = await readEvents(
      `${stack.server.url}${created.links.events}`,
      (e) => e.event === 'done',
      5000,
    )
    assert.deepEqual(
      late.map((e) => e.event),
      ['region', 'done'],
    )

    // The node's metrics count this one test and its one page load, which booted one runner.
    const metrics = parsePrometheus(await (await fetch(`${stack.server.url}/metrics`)).text())
    assert.equal(metrics.value('wps_tests_started_total'), 1)
    assert.equal(
      metrics.value('wps_measurements_total', { region: 'local', status: 'complete', code: 'none' }),
      1,
    )
    assert.equal(metrics.value('wps_measurement_seconds_count'), 1)
    const seconds = metrics.value('wps_measurement_seconds_sum') ?? 0
    assert.ok(
      seconds >= FACTS.delayed.delayMs / 1000,
      `measured for ${seconds} s, the page alone takes longer`,
    )
    assert.equal(metrics.value('wps_queue_wait_seconds_count'), 1)
    assert.equal(metrics.value('wps_runner_boot_seconds_count'), 1, 'the first test booted the only runner')
    const booted = metrics.value('wps_runner_boot_seconds_sum') ?? 0
    assert.ok(
      booted > 0 && booted * 1000 <= (row.bootMs ?? 0) + 1,
      `boot ${booted} s, row says ${row.bootMs} ms`,
    )
    assert.equal(metrics.value('wps_pool_runners', { state: 'ready' }), 1, 'the runner stays up, idle')
    assert.equal(metrics.value('wps_pool_runners', { state: 'booting' }), 0)
    assert.equal(metrics.value('wps_pool_waiting'), 0)
    assert.ok((metrics.value('process_cpu_user_seconds_total') ?? 0) > 0, "Node's default metrics")
  })

  it('repeats the page load when asked and reports the median run, listing every run', async () => {
    stack.site.resetTraffic()
    const response = await post(stack.server.url, { url: `${stack.site.url}${FACTS.delayed.path}`, runs: 3 })
    assert.equal(response.status, 201)
    const created = (await response.json()) as { links: { events: string } }
    const events = await readEvents(`${stack.server.url}${created.links.events}`, (e) => e.event === 'done')
    const loadingRuns = events
      .filter((e) => e.event === 'region' && (e.data as RegionResult).status === 'loading')
      .map((e) => `${(e.data as RegionResult).run}/${(e.data as RegionResult).runCount}`)
    assert.deepEqual(loadingRuns, ['1/3', '2/3', '3/3'])
    const row = (events.at(-1)?.data as SpeedTest | undefined)?.results[0]
    assert.ok(row?.runs && row.medianRun !== undefined)
    assert.equal(row.status, 'complete')
    assert.equal(row.runCount, 3)
    assert.equal(row.runs.length, 3)
    const loads = row.runs.map((r) => r.metrics.load ?? 0)
    for (const load of loads) assert.ok(load >= FACTS.delayed.delayMs, `load ${load}`)
    assert.deepEqual(row.metrics, row.runs[row.medianRun]?.metrics)
    assert.equal(row.metrics.load, [...loads].sort((a, b) => a - b)[1], 'the row is the median run')
    // Three real page loads, each a fresh context: three documents, three new connections at least.
    const traffic = stack.site.traffic()
    assert.equal(traffic.requests.filter((path) => path === FACTS.delayed.path).length, 3)
    assert.ok(traffic.connections >= 3)
  })

  it('refuses bad input with the contract error codes', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ url: 'ftp://example.com' }, 400, 'invalid_url'],
      [{ url: '' }, 400, 'invalid_url'],
      [{}, 400, 'invalid_url'],
      [{ url: 'example.com', regions: ['nowhere'] }, 400, 'unknown_region'],
      [{ url: 'example.com', runs: 0 }, 400, 'bad_request'],
      [{ url: 'example.com', runs: 6 }, 400, 'bad_request'],
    ]
    for (const [body, status, code] of cases) {
      const response = await post(stack.server.url, body)
      assert.equal(response.status, status, JSON.stringify(body))
      const payload = (await response.json()) as ApiError
      assert.equal(payload.error.code, code, JSON.stringify(body))
      assert.ok(payload.error.message.length > 10)
    }
    const missing = await fetch(`${stack.server.url}/api/tests/nope`)
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as ApiError).error.code, 'not_found')
    assert.equal((await fetch(`${stack.server.url}/api/tests/nope/events`)).status, 404)
  })

  it('lists its region, answers health checks and serves the permalink page', async () => {
    const regions = (await (await fetch(`${stack.server.url}/api/regions`)).json()) as Array<{
      region: string
      node: string
    }>
    assert.equal(regions.length, 1)
    assert.equal(regions[0]?.region, 'local')
    assert.equal((await fetch(`${stack.server.url}/healthz`)).status, 200)
    const page = await fetch(`${stack.server.url}/tests/anything`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /World Page Speed/)
    const pools = (await (await fetch(`${stack.server.url}/api/pools`)).json()) as unknown[]
    assert.equal(pools.length, 1)
    // Three runs of the test before: four page loads in all, all complete.
    const metrics = parsePrometheus(await (await fetch(`${stack.server.url}/metrics`)).text())
    assert.equal(metrics.value('wps_tests_started_total'), 2)
    assert.equal(
      metrics.value('wps_measurements_total', { region: 'local', status: 'complete', code: 'none' }),
      4,
    )
    assert.equal(metrics.value('wps_queue_wait_seconds_count'), 4)
  })
})

describe('HTTP API policy', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ WPS_RATE_LIMIT_PER_MIN: '2' })
  })
  after(async () => server?.close())

  it('blocks private targets unless allowed, then rate-limits with Retry-After', async () => {
    const blocked = await post(server.url, { url: 'http://127.0.0.1:9/' })
    assert.equal(blocked.status, 400)
    assert.equal(((await blocked.json()) as ApiError).error.code, 'blocked_address')
    await post(server.url, { url: 'http://10.0.0.1/' })
    const limited = await post(server.url, { url: 'http://10.0.0.1/' })
    assert.equal(limited.status, 429)
    assert.ok(Number(limited.headers.get('retry-after')) > 0)
    assert.equal(((await limited.json()) as ApiError).error.code, 'rate_limited')
  })
})
