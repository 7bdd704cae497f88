/**
 * The behaviour every cluster transport must share, written once and run against
 * each (memory and NATS): membership, streamed calls, errors, timeouts, cancels,
 * a node closing mid-call, multicall.
 *
 *   clusterConformance('memory', async () => ({ start: (m) => createMemoryCluster(hub, m), stop: async () => {} }))
 */

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { JsonText } from '../../src/cluster/json-text.ts'
import { multicall } from '../../src/cluster/multicall.ts'
import { type Cluster, ClusterError, type Member } from '../../src/cluster/types.ts'
import { nodesOf, waitFor } from './wait.ts'

export interface TransportUnderTest {
  /** Each call gets a fresh namespace, so tests do not see each other's nodes. */
  start(member: Member, namespace: string): Promise<Cluster> | Cluster
  stop(): Promise<void>
}

let namespaces = 0

function member(node: string, region: string): Member {
  return { node, region, machineId: `m-${node}`, capacity: 2, httpUrl: `http://127.0.0.1:1/${node}` }
}

function isClusterError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ClusterError, `expected a ClusterError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    return true
  }
}

export function clusterConformance(name: string, setup: () => Promise<TransportUnderTest>): void {
  describe(`cluster conformance: ${name}`, () => {
    let transport: TransportUnderTest
    before(async () => {
      transport = await setup()
    })
    after(async () => transport.stop())

    /** Two converged nodes in a fresh namespace, closed after `body`. */
    async function pair(body: (a: Cluster, b: Cluster) => Promise<void>): Promise<void> {
      const ns = `t${++namespaces}`
      const a = await transport.start(member('ord-1', 'ord'), ns)
      const b = await transport.start(member('fra-1', 'fra'), ns)
      try {
        await waitFor(
          () => a.members().length === 2 && b.members().length === 2,
          1000,
          'a and b see each other',
        )
        await body(a, b)
      } finally {
        await a.close()
        await b.close()
      }
    }

    it('lists every member, self included, with its description', () =>
      pair(async (a, b) => {
        assert.deepEqual(nodesOf(a.members()), ['fra-1', 'ord-1'])
        assert.deepEqual(nodesOf(b.members()), ['fra-1', 'ord-1'])
        assert.deepEqual(
          a.members().find((m) => m.node === 'fra-1'),
          member('fra-1', 'fra'),
        )
        assert.deepEqual(a.self, member('ord-1', 'ord'))
      }))

    it('tells listeners when a node joins and when it closes', async () => {
      const ns = `t${++namespaces}`
      const a = await transport.start(member('ord-1', 'ord'), ns)
      const seen: string[][] = []
      const unsubscribe = a.onMembership((members) => seen.push(nodesOf(members)))
      try {
        const b = await transport.start(member('syd-1', 'syd'), ns)
        await waitFor(() => seen.some((s) => s.includes('syd-1')), 1000, 'join noticed')
        const closedAt = performance.now()
        await b.close()
        await waitFor(() => !nodesOf(a.members()).includes('syd-1'), 1000, 'leave noticed')
        const leftAfterMs = performance.now() - closedAt
        assert.ok(leftAfterMs < 500, `a graceful close is seen at once (took ${leftAfterMs} ms)`)
        assert.deepEqual(seen.at(-1), ['ord-1'])
      } finally {
        unsubscribe()
        await a.close()
      }
    })

    it('streams messages in order, then settles with the result', () =>
      pair(async (a, b) => {
        b.serve('count', async (payload, emit) => {
          const { to } = payload as { to: number }
          for (let i = 1; i <= to; i++) emit({ i })
          return { total: to, from: b.self.node }
        })
        const messages: unknown[] = []
        const result = await a.call('fra-1', 'count', { to: 5 }, { onMessage: (m) => messages.push(m) })
        assert.deepEqual(messages, [{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }, { i: 5 }])
        assert.deepEqual(result, { total: 5, from: 'fra-1' })
      }))

    it('carries JSON text (JsonText) as the value it encodes: request, messages and result', () =>
      pair(async (a, b) => {
        b.serve('echo-text', async (payload, emit) => {
          emit(new JsonText(JSON.stringify({ step: 'loading', got: payload })))
          emit(new JsonText('"plain"'))
          return new JsonText(JSON.stringify({ done: true, n: [1, 2] }))
        })
        const messages: unknown[] = []
        const request = new JsonText(JSON.stringify({ url: 'https://a.test/', runs: 2 }))
        const result = await a.call('fra-1', 'echo-text', request, { onMessage: (m) => messages.push(m) })
        assert.deepEqual(messages, [{ step: 'loading', got: { url: 'https://a.test/', runs: 2 } }, 'plain'])
        assert.deepEqual(result, { done: true, n: [1, 2] })
      }))

    it('can call itself', () =>
      pair(async (a) => {
        a.serve('echo', async (payload) => payload)
        assert.deepEqual(await a.call('ord-1', 'echo', { x: [1, 'two'] }), { x: [1, 'two'] })
      }))

    it('rejects with remote_error when the handler throws, carrying its message and code', () =>
      pair(async (a, b) => {
        b.serve('fail', async () => {
          throw Object.assign(new Error('browser crashed'), { code: 'runner_lost' })
        })
        await assert.rejects(a.call('fra-1', 'fail', null), (error: unknown) => {
          isClusterError('remote_error')(error)
          const remote = (error as ClusterError).remote
          assert.equal(remote?.message, 'browser crashed')
          assert.equal(remote?.code, 'runner_lost')
          assert.match(remote?.stack ?? '', /browser crashed/)
          return true
        })
      }))

    it('rejects with remote_error for a method the node does not serve', () =>
      pair(async (a) => {
        await assert.rejects(a.call('fra-1', 'nope', {}), isClusterError('remote_error'))
      }))

    it('rejects with unknown_node for a node that is not a member', () =>
      pair(async (a) => {
        await assert.rejects(a.call('ghost-1', 'echo', {}), isClusterError('unknown_node'))
      }))

    it('times out, and the handler sees its signal abort', () =>
      pair(async (a, b) => {
        let handlerAborted = false
        b.serve('slow', (_p, _emit, signal) => {
          return new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              handlerAborted = true
              resolve('stopped')
            })
          })
        })
        const started = performance.now()
        await assert.rejects(a.call('fra-1', 'slow', {}, { timeout: 150 }), isClusterError('timeout'))
        const took = performance.now() - started
        assert.ok(took >= 145 && took < 600, `timed out after ${took} ms`)
        await waitFor(() => handlerAborted, 1000, 'handler aborted after timeout')
      }))

    it('cancels through the caller signal', () =>
      pair(async (a, b) => {
        let handlerAborted = false
        b.serve('wait', (_p, emit, signal) => {
          emit('started')
          return new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              handlerAborted = true
              resolve('stopped')
            })
          })
        })
        const controller = new AbortController()
        const call = a.call(
          'fra-1',
          'wait',
          {},
          { signal: controller.signal, onMessage: () => controller.abort() },
        )
        await assert.rejects(call, isClusterError('aborted'))
        await waitFor(() => handlerAborted, 1000, 'handler aborted after cancel')
      }))

    it('rejects with node_lost when the serving node closes mid-call', async () => {
      const ns = `t${++namespaces}`
      const a = await transport.start(member('ord-1', 'ord'), ns)
      const b = await transport.start(member('fra-1', 'fra'), ns)
      try {
        await waitFor(() => a.members().length === 2, 1000, 'a sees b')
        let handlerAborted = false
        b.serve('forever', (_p, emit, signal) => {
          emit('started')
          return new Promise(() => signal.addEventListener('abort', () => (handlerAborted = true)))
        })
        const call = a.call('fra-1', 'forever', {}, { onMessage: () => void b.close() })
        await assert.rejects(call, isClusterError('node_lost'))
        assert.equal(handlerAborted, true)
      } finally {
        await a.close()
        await b.close()
      }
    })

    it('multicalls concurrently and reports every node, in order', () =>
      pair(async (a, b) => {
        for (const node of [a, b]) {
          node.serve('measure', async (payload, emit) => {
            emit('loading')
            await new Promise((resolve) => setTimeout(resolve, 100))
            return { region: node.self.region, url: (payload as { url: string }).url }
          })
        }
        const messages: string[] = []
        const started = performance.now()
        const results = await multicall(
          a,
          ['ord-1', 'fra-1', 'ghost-1'],
          'measure',
          { url: 'https://x.test/' },
          {
            onMessage: (node, message) => messages.push(`${node}:${String(message)}`),
          },
        )
        const took = performance.now() - started
        assert.ok(took < 190, `two 100 ms calls ran concurrently (took ${took} ms)`)
        assert.deepEqual(messages.sort(), ['fra-1:loading', 'ord-1:loading'])
        assert.deepEqual(results.slice(0, 2), [
          { node: 'ord-1', status: 'fulfilled', value: { region: 'ord', url: 'https://x.test/' } },
          { node: 'fra-1', status: 'fulfilled', value: { region: 'fra', url: 'https://x.test/' } },
        ])
        const ghost = results[2]
        assert.equal(ghost?.status, 'rejected')
        assert.equal(ghost?.status === 'rejected' && ghost.reason.code, 'unknown_node')
      }))

    it('multicall hands over each result as its node settles, before the slower ones', () =>
      pair(async (a, b) => {
        a.serve('measure', async () => 'fast')
        b.serve('measure', async () => {
          await new Promise((resolve) => setTimeout(resolve, 300))
          return 'slow'
        })
        const settled: Array<{ node: string; at: number }> = []
        const started = performance.now()
        await multicall(
          a,
          ['fra-1', 'ord-1'],
          'measure',
          {},
          {
            onSettled: (result) => settled.push({ node: result.node, at: performance.now() - started }),
          },
        )
        assert.deepEqual(
          settled.map((s) => s.node),
          ['ord-1', 'fra-1'],
        )
        assert.ok((settled[0]?.at ?? 0) < 250, `the fast node was reported at once (${settled[0]?.at} ms)`)
      }))
  })
}
