/**
 * Following a test that runs on another node. Live state lives with the node that
 * started the test (its owner); every other node serves the same test from the shared
 * store and, while it runs, follows it through the cluster: the owner streams each row
 * change to the follower, which replays them to its own subscribers.
 *
 *   serveFollow(cluster, { live: (id) => runs.get(id), flushed: (id) => writes.get(id) })   // on every node
 *   const stop = followRemote(cluster, ownerNode, testId, {
 *     onRow: (result) => sse.send('region', result),
 *     onStoredRow: (node) => …read the row from the store…,
 *     onEnd: (outcome) => …'done' | 'not_live' | 'lost'…,
 *   })
 *
 * Rows that are still moving (`starting`, `loading`) travel whole; they are small. A
 * final row carries the network log, which can outgrow a cluster message, so the owner
 * first waits until that row is in the store, then says only "row N is stored" and the
 * follower reads it from there. The same wait precedes the end of the stream, so a
 * follower that reads the test after `done` finds every row final.
 */
import type { Cluster } from '../cluster/types.ts'
import { type RegionResult, wholeRow } from './model.ts'
import { rowFields } from './row-fields.ts'
import type { TestRun } from './test-run.ts'
import { isFinal } from './test-run.ts'

export const FOLLOW_METHOD = 'follow'

export type FollowMessage = { type: 'row'; result: RegionResult } | { type: 'stored'; node: string }

/** How a follow ended: the test is done, the owner no longer has it live, or the owner is gone. */
export type FollowOutcome = 'done' | 'not_live' | 'lost'

export interface FollowSource {
  live(testId: string): TestRun | undefined
  /** Resolves once every write of this test queued so far is in the store. */
  flushed(testId: string): Promise<void>
}

export function serveFollow(cluster: Cluster, source: FollowSource): void {
  cluster.serve(FOLLOW_METHOD, async (payload, emit, signal) => {
    const testId = parseFollowRequest(payload)
    const run = testId === null ? undefined : source.live(testId)
    if (testId === null || !run) return { live: false }
    return new Promise<{ live: true }>((resolve) => {
      let chain = Promise.resolve()
      let unsubscribe: () => void = () => {}
      const stop = () => {
        unsubscribe()
        resolve({ live: true })
      }
      signal.addEventListener('abort', stop, { once: true })
      unsubscribe = run.subscribe((event) => {
        // One step at a time, so the follower sees changes in the order they happened.
        chain = chain.then(async () => {
          if (signal.aborted) return
          if (event.type === 'region' && !isFinal(event.result)) {
            const { entries: _entries, ...row } = event.result
            emit({ type: 'row', result: row } satisfies FollowMessage)
            return
          }
          await source.flushed(testId)
          if (event.type === 'region')
            emit({ type: 'stored', node: event.result.node } satisfies FollowMessage)
          else {
            signal.removeEventListener('abort', stop)
            resolve({ live: true })
          }
        })
      })
    })
  })
}

export interface FollowHandlers {
  onRow(result: RegionResult): void
  onStoredRow(node: string): Promise<void>
  onEnd(outcome: FollowOutcome): Promise<void>
}

/** Follows `testId` on `owner`; returns a function that stops following. Handlers run one at a time. */
export function followRemote(
  cluster: Cluster,
  owner: string,
  testId: string,
  handlers: FollowHandlers,
  options: { timeoutMs: number; onError?: (error: unknown) => void },
): () => void {
  const controller = new AbortController()
  let chain = Promise.resolve()
  const step = (work: () => void | Promise<void>) => {
    chain = chain
      .then(async () => {
        if (!controller.signal.aborted) await work()
      })
      .catch((error: unknown) => options.onError?.(error))
  }
  cluster
    .call(owner, FOLLOW_METHOD, { testId } satisfies FollowRequest, {
      signal: controller.signal,
      timeout: options.timeoutMs,
      onMessage: (message) => {
        const parsed = parseFollowMessage(message)
        if (parsed?.type === 'row') step(() => handlers.onRow(parsed.result))
        else if (parsed?.type === 'stored') step(() => handlers.onStoredRow(parsed.node))
      },
    })
    .then(
      (answer) => {
        const live = typeof answer === 'object' && answer !== null && (answer as { live?: unknown }).live
        step(() => handlers.onEnd(live === true ? 'done' : 'not_live'))
      },
      () => step(() => handlers.onEnd('lost')),
    )
  return () => controller.abort()
}

interface FollowRequest {
  testId: string
}

function parseFollowRequest(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null
  const { testId } = payload as Record<string, unknown>
  return typeof testId === 'string' && testId.length <= 64 ? testId : null
}

/** Messages cross the network: check their shape before they reach a subscriber. */
export function parseFollowMessage(message: unknown): FollowMessage | null {
  if (typeof message !== 'object' || message === null) return null
  const { type, node, result } = message as Record<string, unknown>
  if (type === 'stored') return typeof node === 'string' ? { type, node } : null
  if (type !== 'row' || typeof result !== 'object' || result === null) return null
  const row = result as Record<string, unknown>
  if (typeof row.node !== 'string' || typeof row.region !== 'string') return null
  const fields = rowFields(row)
  if (!fields?.metrics) return null
  return { type, result: wholeRow(fields, fields.metrics, { node: row.node, region: row.region }) }
}
