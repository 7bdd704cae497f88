/**
 * One system across nodes: two `wps serve` nodes joined over a real nats-server share a
 * real PostgreSQL. A test started on node A is readable on node B at once, followed live
 * over SSE on B while A runs it (B's subscriber sees rows before they are final), and
 * read back on B, network log included, after it ends — the same as A answers.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { startNatsServer } from '../cluster/nats-server.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { nodesSeenBy, startTest, waitUntil } from '../support/api.ts'
import { type Postgres, startPostgres } from '../support/postgres.ts'
import { readEvents } from '../support/sse.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'

let site: FixtureSite
let postgres: Postgres
let nats: Awaited<ReturnType<typeof startNatsServer>>
const nodes: WpsServer[] = []

before(async () => {
  // One after another, so whatever started is assigned and `after` can stop it.
  site = await startFixtureSite()
  postgres = await startPostgres()
  nats = await startNatsServer()
  const env = (region: string) => ({
    WPS_REGION: region,
    DATABASE_URL: postgres.url,
    NATS_URL: nats.url,
    WPS_ALLOW_PRIVATE: '1',
    WPS_RATE_LIMIT_PER_MIN: '1000',
  })
  // Started together: both run the migrations against the empty database at once.
  nodes.push(...(await Promise.all([startWpsServer(env('ord')), startWpsServer(env('fra'))])))
})
after(async () => {
  for (const node of nodes) {
    const { leftovers } = await node.stop()
    assert.deepEqual(leftovers, [])
  }
  await nats?.stop()
  await postgres?.stop()
  await site?.close()
})

const getJson = async (url: string): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return { status: response.status, body: await response.json() }
}

it('a test started on node A is followed live on node B and read back on B after it ends', async () => {
  const [a, b] = nodes as [WpsServer, WpsServer]
  await waitUntil(async () => (await nodesSeenBy(b.url)).length === 2, 10_000, 'B sees both nodes')
  await waitUntil(async () => (await nodesSeenBy(a.url)).length === 2, 10_000, 'A sees both nodes')

  const started = await startTest(a.url, { url: `${site.url}${FACTS.rich.path}`, regions: ['ord'] })
  const following = readEvents(`${b.url}${started.links.events}`, (e) => e.event === 'done', 60_000)
  const whileRunning = await getJson(`${b.url}/api/tests/${started.id}`)
  assert.equal(whileRunning.status, 200, 'B answers for a test A just started')
  assert.equal((whileRunning.body as SpeedTest).url, `${site.url}${FACTS.rich.path}`)
  const page = await fetch(`${b.url}/tests/${started.id}`)
  assert.equal(page.status, 200, 'the permalink page answers on B')

  const events = await following
  const rows = events.filter((e) => e.event === 'region').map((e) => e.data as RegionResult)
  assert.ok(
    rows.some((row) => row.status === 'starting' || row.status === 'loading'),
    `B saw the row before it was final: ${rows.map((r) => r.status).join(' → ')}`,
  )
  const last = rows.at(-1)
  assert.equal(last?.status, 'complete')
  assert.equal(last?.region, 'ord')
  assert.equal(last?.entries?.length, FACTS.rich.requests, 'the final row arrives with its network log')
  const done = events.at(-1)
  assert.equal(done?.event, 'done')
  const test = done?.data as SpeedTest
  assert.equal(test.state, 'done')

  const onB = await getJson(`${b.url}/api/tests/${started.id}`)
  const onA = await getJson(`${a.url}/api/tests/${started.id}`)
  assert.deepEqual(onB.body, test, 'B reads back exactly what its stream ended with')
  assert.deepEqual(onB.body, onA.body, 'and exactly what A answers')

  const history = (await getJson(`${b.url}/api/tests?url=${encodeURIComponent(test.url)}`)).body as {
    tests: Array<{ id: string; state: string }>
  }
  assert.deepEqual(
    history.tests.map((t) => [t.id, t.state]),
    [[started.id, 'done']],
  )
})

it('a late subscriber on B to a test that ended on A gets every row, then done', async () => {
  const [a, b] = nodes as [WpsServer, WpsServer]
  const started = await startTest(a.url, { url: `${site.url}${FACTS.delayed.path}` })
  const onA = await readEvents(`${a.url}${started.links.events}`, (e) => e.event === 'done', 60_000)
  const ended = onA.at(-1)?.data as SpeedTest
  assert.deepEqual(ended.results.map((r) => r.region).sort(), ['fra', 'ord'], 'both nodes measured')
  const late = await readEvents(`${b.url}${started.links.events}`, (e) => e.event === 'done', 10_000)
  assert.deepEqual(
    late.map((e) => e.event),
    ['region', 'region', 'done'],
  )
  assert.deepEqual(late.at(-1)?.data, ended)
})
