/**
 * A region node dies mid-test (kill -9: no goodbye, no final message). Its row ends as
 * `node_lost` within a few heartbeats, the other regions finish their slow page, the
 * test reaches `done` in bounded time, the dead node's runner and Chromium go with it,
 * and the next test runs on the nodes that are left.
 *
 *   node --import tsx --test test/multiregion/node-loss.test.ts
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'
import { describeRows, nodesSeenBy, runTest, waitUntil } from '../support/api.ts'
import type { ProcessInfo } from '../support/processes.ts'
import { describeProcesses, startPlanet, waitForLeftovers } from './nodes.ts'

const SLOW_MS = 4000
const LOST_CODES = ['node_lost', 'runner_lost']

test('kill -9 of a node mid-test ends its row as node_lost; the rest complete and the next test works', async (t) => {
  const site = await startFixtureSite()
  t.after(() => site.close())
  const planet = await startPlanet([{ region: 'ord' }, { region: 'fra' }, { region: 'syd' }])
  t.after(() => planet.stop())
  const ord = planet.byRegion('ord')
  const fra = planet.byRegion('fra')
  const everyone = planet.nodes.map((n) => n.node).sort()
  await waitUntil(async () => (await nodesSeenBy(ord.url)).join() === everyone.join(), 5000, 'ord sees 3')

  let killedAt = 0
  let killedEpoch = 0
  let lostAfterMs = Number.NaN
  let fraProcesses: ProcessInfo[] = []
  const run = await runTest(
    ord.url,
    { url: `${site.url}${FACTS.ttfb.path}?ms=${SLOW_MS}` },
    {
      timeoutMs: 60_000,
      onRow: (row) => {
        if (killedAt === 0 && row.node === fra.node && row.status === 'loading') {
          // Its runner and Chromium, seen while still under it, must not outlive it.
          fraProcesses = fra.started()
          fra.child.kill('SIGKILL')
          killedAt = performance.now()
          killedEpoch = Date.now()
        }
        if (killedAt > 0 && row.node === fra.node && row.status === 'error') {
          lostAfterMs = performance.now() - killedAt
        }
      },
    },
  )
  const doneAfterKillMs = performance.now() - killedAt
  assert.ok(killedAt > 0, `fra never reported loading:\n${describeRows(run.rows)}`)
  t.diagnostic(
    `fra's row ended ${lostAfterMs.toFixed(0)} ms and the test ${doneAfterKillMs.toFixed(0)} ms after kill -9`,
  )

  const rows = run.test.results
  assert.equal(rows.length, 3, describeRows(rows))
  const lost = rows.find((row) => row.node === fra.node)
  assert.equal(lost?.status, 'error', describeRows(rows))
  assert.ok(LOST_CODES.includes(lost?.error?.code ?? ''), describeRows(rows))
  // The error row is dated when it was made, after the kill, not when fra last spoke.
  assert.ok((lost?.updatedAt ?? 0) >= killedEpoch, `updatedAt ${lost?.updatedAt} < kill ${killedEpoch}`)
  for (const row of rows.filter((r) => r.node !== fra.node)) {
    assert.equal(row.status, 'complete', describeRows(rows))
    assert.equal(row.httpStatus, 200)
    assert.ok(
      (row.metrics.ttfb ?? 0) >= SLOW_MS,
      `${row.region} waited for the slow page: ${row.metrics.ttfb}`,
    )
  }
  // Bounded: the survivors' slow page, plus a few heartbeats, not a 30 s timeout.
  assert.ok(doneAfterKillMs < 15_000, `done came ${doneAfterKillMs.toFixed(0)} ms after the kill`)
  // The loss is noticed within a few heartbeats (500 ms each), long before the survivors finish.
  assert.ok(lostAfterMs < 5000, `fra's row ended ${lostAfterMs} ms after the kill`)

  assert.ok(
    fraProcesses.some((info) => /chrom/i.test(info.command)),
    `fra was running Chromium when killed: ${describeProcesses(fraProcesses).join('\n')}`,
  )
  const orphans = await waitForLeftovers(new Map(fraProcesses.map((info) => [info.pid, info])), null, 10_000)
  assert.deepEqual(describeProcesses(orphans), [], "the killed node's runner and Chromium are still alive")

  const survivors = planet.nodes
    .filter((n) => n !== fra)
    .map((n) => n.node)
    .sort()
  await waitUntil(async () => (await nodesSeenBy(ord.url)).join() === survivors.join(), 5000, 'ord drops fra')
  const next = await runTest(ord.url, { url: `${site.url}${FACTS.rich.path}` }, { timeoutMs: 60_000 })
  assert.deepEqual(
    next.test.results.map((row) => [row.node, row.status, row.requests]).sort(),
    survivors.map((node) => [node, 'complete', FACTS.rich.requests]).sort(),
    describeRows(next.test.results),
  )

  const leftovers = await planet.stop()
  assert.deepEqual(describeProcesses(leftovers), [], 'processes the nodes started are still alive')
})
