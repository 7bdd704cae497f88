/**
 * Serving a test that is not live on this node, from the store and its owner. While the
 * owner (the node that started it) is a live member, a subscriber here follows it through
 * the cluster (follow.ts); once the owner is gone — a node that died mid-test, or this
 * node before a restart — nobody will finish its rows, so they end as `node_lost`, in the
 * store too, and the test is done.
 *
 *   if (ownerServes(cluster, stored.owner)) stop = followOwner({ cluster, store, deadlineMs, report }, stored.owner, test, listener)
 *   else replay(await endAbandoned(store, test), listener)   // every row, then `done`
 */
import type { Cluster } from '../cluster/index.ts'
import type { TestStore } from '../store/index.ts'
import { followRemote } from './follow.ts'
import type { RegionResult, SpeedTest } from './model.ts'
import { fromStoredRow, toRowInput, toSpeedTest } from './records.ts'
import { isFinal, type TestListener } from './test-run.ts'

const OWNER_GONE = {
  code: 'node_lost',
  message: 'The node running this test stopped before this region finished.',
}

export interface OwnerContext {
  cluster: Cluster
  store: TestStore
  /** Hard limit on one region's measurement: a follow gives up a minute after it. */
  deadlineMs: number
  report(error: unknown): void
}

/** Whether the test's owner is another live member, which can stream it to us. */
export function ownerServes(cluster: Cluster, owner: string): boolean {
  return owner !== cluster.self.node && cluster.members().some((member) => member.node === owner)
}

/** A running test nobody runs any more: its unfinished rows end as `node_lost`, in the store too. */
export async function endAbandoned(store: TestStore, test: SpeedTest): Promise<SpeedTest> {
  const results = test.results.map(
    (row): RegionResult =>
      isFinal(row) ? row : { ...row, status: 'error', error: OWNER_GONE, updatedAt: Date.now() },
  )
  const ended: SpeedTest = { ...test, state: 'done', results }
  const unfinished = results.flatMap((_row, position) =>
    isFinal(test.results[position] ?? { status: 'error' }) ? [] : [position],
  )
  // Every row already final (its last write made it, the state's did not): write the state anyway.
  for (const position of unfinished.length > 0 ? unfinished : [0]) {
    const row = results[position]
    if (row) await store.saveRow(test.id, toRowInput(row, position), 'done')
  }
  return ended
}

export function followOwner(
  context: OwnerContext,
  owner: string,
  test: SpeedTest,
  listener: TestListener,
): () => void {
  const { store } = context
  return followRemote(
    context.cluster,
    owner,
    test.id,
    {
      onRow: (result) => listener({ type: 'region', result }),
      onStoredRow: async (node) => {
        const row = await store.getRow(test.id, node)
        if (row) listener({ type: 'region', result: fromStoredRow(row) })
      },
      onEnd: async (outcome) => {
        const stored = await store.getTest(test.id)
        if (!stored) return
        let now = toSpeedTest(stored)
        // The owner vanished mid-test: nobody will finish its rows.
        if (outcome === 'lost' && now.state === 'running') now = await endAbandoned(store, now)
        if (outcome === 'done') {
          if (now.state === 'done') listener({ type: 'done', test: now })
        } else replay(now, listener)
      },
    },
    { timeoutMs: context.deadlineMs + 60_000, onError: (error) => context.report(error) },
  )
}

/** What a late subscriber gets of a test that is not live here: every row, then `done` if done. */
export function replay(test: SpeedTest, listener: TestListener): void {
  for (const result of test.results) listener({ type: 'region', result })
  if (test.state === 'done') listener({ type: 'done', test })
}
