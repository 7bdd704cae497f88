/**
 * NATS goes away and comes back on the same port. A test in flight at that moment still
 * reaches `done` (each row completes, or ends as `node_lost` — never hangs); the nodes
 * reconnect and re-announce, every node lists all three again, and a new test across all
 * regions completes.
 *
 *   node --import tsx --test test/multiregion/nats-restart.test.ts
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'
import { describeRows, nodesSeenBy, runTest, waitUntil } from '../support/api.ts'
import { describeProcesses, startPlanet } from './nodes.ts'

test('after a NATS restart the nodes rejoin and a test across all regions completes', async (t) => {
  const site = await startFixtureSite()
  t.after(() => site.close())
  const planet = await startPlanet([{ region: 'ord' }, { region: 'fra' }, { region: 'syd' }])
  t.after(() => planet.stop())
  const ord = planet.byRegion('ord')
  const everyone = planet.nodes.map((n) => n.node).sort()
  const allListEveryone = async () =>
    (await Promise.all(planet.nodes.map((n) => nodesSeenBy(n.url)))).every(
      (seen) => seen.join() === everyone.join(),
    )
  await waitUntil(allListEveryone, 5000, 'every node lists all three')

  // A test in flight while NATS restarts: its rows may finish or be lost, but it must end.
  let restarted: Promise<void> | null = null
  const inFlight = await runTest(
    ord.url,
    { url: `${site.url}${FACTS.ttfb.path}?ms=2000` },
    {
      timeoutMs: 60_000,
      onRow: (row) => {
        if (!restarted && row.status === 'loading') restarted = planet.nats.restart()
      },
    },
  )
  assert.ok(restarted, `no row reached loading:\n${describeRows(inFlight.rows)}`)
  await restarted
  t.diagnostic(
    `in-flight test across the restart: ${describeRows(inFlight.test.results).replaceAll('\n', ' | ')}`,
  )
  assert.equal(inFlight.test.state, 'done')
  for (const row of inFlight.test.results) {
    assert.ok(
      row.status === 'complete' || (row.status === 'error' && row.error?.code === 'node_lost'),
      describeRows(inFlight.test.results),
    )
  }

  const rejoinMs = await waitUntil(allListEveryone, 10_000, 'every node lists all three after the restart')
  t.diagnostic(`all three listed everywhere ${rejoinMs.toFixed(0)} ms after the in-flight test ended`)

  const run = await runTest(ord.url, { url: `${site.url}${FACTS.rich.path}` }, { timeoutMs: 90_000 })
  assert.deepEqual(
    run.test.results.map((row) => [row.node, row.status, row.requests]).sort(),
    everyone.map((node) => [node, 'complete', FACTS.rich.requests]),
    describeRows(run.test.results),
  )

  const leftovers = await planet.stop()
  assert.deepEqual(describeProcesses(leftovers), [], 'processes the nodes started are still alive')
})
