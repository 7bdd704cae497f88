/**
 * The NATS transport against a real nats-server on 127.0.0.1: the shared
 * conformance suite, then what only a network can do — nodes in other processes
 * that die (kill -9), calls across processes, and a NATS restart.
 */

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connectNatsCluster } from '../../src/cluster/nats.ts'
import { type Cluster, ClusterError, type Member } from '../../src/cluster/types.ts'
import { spawnChildNode } from './child-process.ts'
import { clusterConformance } from './conformance.ts'
import { type NatsServer, startNatsServer } from './nats-server.ts'
import { nodesOf, waitFor } from './wait.ts'

clusterConformance('nats', async () => {
  const nats = await startNatsServer()
  const clusters: Cluster[] = []
  return {
    async start(member, namespace) {
      const cluster = await connectNatsCluster({ servers: nats.url, member, subjectPrefix: namespace })
      clusters.push(cluster)
      return cluster
    },
    async stop() {
      await Promise.all(clusters.map((c) => c.close()))
      await nats.stop()
    },
  }
})

const member = (node: string, region: string): Member => ({
  node,
  region,
  machineId: `m-${node}`,
  capacity: 1,
})

describe('nats cluster across processes', () => {
  let nats: NatsServer
  before(async () => {
    nats = await startNatsServer()
  })
  after(async () => nats.stop())

  it('learns about a new node within 1 s, both ways', async (t) => {
    const a = await connectNatsCluster({
      servers: nats.url,
      member: member('ord-1', 'ord'),
      subjectPrefix: 'join',
    })
    const started = performance.now()
    const b = await connectNatsCluster({
      servers: nats.url,
      member: member('fra-1', 'fra'),
      subjectPrefix: 'join',
    })
    try {
      await waitFor(() => a.members().length === 2 && b.members().length === 2, 1000, 'both see both')
      const tookMs = performance.now() - started
      t.diagnostic(
        `membership: a new node is known both ways ${tookMs.toFixed(1)} ms after it starts connecting`,
      )
      assert.ok(tookMs < 1000)
    } finally {
      await b.close()
      await a.close()
    }
  })

  it('drops a node killed with SIGKILL within a few seconds', async (t) => {
    const a = await connectNatsCluster({
      servers: nats.url,
      member: member('ord-1', 'ord'),
      subjectPrefix: 'kill',
    })
    const child = await spawnChildNode({ natsUrl: nats.url, node: 'child-1', prefix: 'kill' })
    try {
      await waitFor(() => nodesOf(a.members()).includes('child-1'), 1000, 'child joins')
      child.kill('SIGKILL')
      const killedAt = performance.now()
      await child.exited
      await waitFor(() => !nodesOf(a.members()).includes('child-1'), 4000, 'dead child dropped')
      const goneMs = performance.now() - killedAt
      t.diagnostic(`membership: a SIGKILLed node disappears after ${goneMs.toFixed(0)} ms (heartbeat 500 ms)`)
      assert.ok(goneMs >= 1000, `not dropped before it missed heartbeats (${goneMs} ms)`)
      assert.ok(goneMs < 3000, `dropped within 3 s (${goneMs} ms)`)
    } finally {
      child.kill('SIGKILL')
      await a.close()
    }
  })

  it('calls a node in another process: streamed messages, result, request/reply latency', async (t) => {
    const a = await connectNatsCluster({
      servers: nats.url,
      member: member('ord-1', 'ord'),
      subjectPrefix: 'xproc',
    })
    const child = await spawnChildNode({ natsUrl: nats.url, node: 'child-2', prefix: 'xproc' })
    try {
      await waitFor(() => nodesOf(a.members()).includes('child-2'), 1000, 'child joins')
      const messages: unknown[] = []
      const result = await a.call('child-2', 'stream', { count: 20 }, { onMessage: (m) => messages.push(m) })
      assert.deepEqual(
        messages,
        Array.from({ length: 20 }, (_, i) => i),
      )
      assert.equal(result, 'done')

      const samples: number[] = []
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now()
        assert.equal(await a.call('child-2', 'echo', i), i)
        samples.push(performance.now() - t0)
      }
      samples.sort((x, y) => x - y)
      const p50 = samples[100]!
      const p99 = samples[198]!
      t.diagnostic(
        `call across processes (echo, 200 calls): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
      )
      assert.ok(p50 < 20, `p50 ${p50} ms`)

      // No orphans: a child node whose parent goes away (its stdin closes) leaves the cluster and exits.
      child.process.stdin?.end()
      await waitFor(() => child.process.exitCode !== null, 5000, 'child exits when its stdin closes')
      assert.equal(child.process.exitCode, 0)
      await waitFor(() => !nodesOf(a.members()).includes('child-2'), 500, 'its graceful leave is heard')
    } finally {
      child.kill('SIGKILL')
      await a.close()
    }
  })

  it('rejects with node_lost when the node dies mid-call (kill -9)', async (t) => {
    const a = await connectNatsCluster({
      servers: nats.url,
      member: member('ord-1', 'ord'),
      subjectPrefix: 'die',
    })
    const child = await spawnChildNode({ natsUrl: nats.url, node: 'child-3', prefix: 'die' })
    try {
      await waitFor(() => nodesOf(a.members()).includes('child-3'), 1000, 'child joins')
      let killedAt = 0
      const call = a.call(
        'child-3',
        'hang',
        {},
        {
          onMessage: (m) => {
            assert.equal(m, 'started')
            child.kill('SIGKILL')
            killedAt = performance.now()
          },
        },
      )
      await assert.rejects(
        call,
        (error: unknown) => error instanceof ClusterError && error.code === 'node_lost',
      )
      const lostMs = performance.now() - killedAt
      t.diagnostic(`a call to a SIGKILLed node fails with node_lost after ${lostMs.toFixed(0)} ms`)
      assert.ok(killedAt > 0 && lostMs < 3000)
    } finally {
      child.kill('SIGKILL')
      await a.close()
    }
  })
})

describe('nats cluster across a NATS restart', () => {
  it('reconnects, re-announces, and calls work again; calls during the outage settle', async (t) => {
    const nats = await startNatsServer()
    const a = await connectNatsCluster({
      servers: nats.url,
      member: member('ord-1', 'ord'),
      subjectPrefix: 'rs',
    })
    const b = await connectNatsCluster({
      servers: nats.url,
      member: member('fra-1', 'fra'),
      subjectPrefix: 'rs',
    })
    try {
      b.serve('echo', async (payload) => payload)
      b.serve('slow', (_p, emit, signal) => {
        emit('started')
        return new Promise((resolve) => {
          const timer = setTimeout(() => resolve('finished'), 1500)
          signal.addEventListener('abort', () => clearTimeout(timer))
        })
      })
      await waitFor(() => a.members().length === 2 && b.members().length === 2, 1000, 'converged')

      let started = false
      const during = a.call('fra-1', 'slow', {}, { onMessage: () => (started = true) })
      await waitFor(() => started, 1000, 'slow call started')
      const outageStart = performance.now()
      await nats.stop()
      const settled = await Promise.race([
        during.then(
          (value) => `fulfilled:${String(value)}`,
          (error: unknown) => `rejected:${error instanceof ClusterError ? error.code : String(error)}`,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 5000)),
      ])
      t.diagnostic(
        `call in flight when NATS stopped: ${settled} after ${(performance.now() - outageStart).toFixed(0)} ms`,
      )
      assert.ok(['fulfilled:finished', 'rejected:node_lost', 'rejected:timeout'].includes(settled), settled)

      await nats.restart()
      const restartedAt = performance.now()
      await waitFor(
        () => nodesOf(a.members()).includes('fra-1') && nodesOf(b.members()).includes('ord-1'),
        5000,
        'membership returns after restart',
      )
      t.diagnostic(
        `membership back ${(performance.now() - restartedAt).toFixed(0)} ms after nats-server restarted`,
      )
      assert.deepEqual(await a.call('fra-1', 'echo', { back: true }, { timeout: 2000 }), { back: true })
    } finally {
      await a.close()
      await b.close()
      await nats.stop()
    }
  })
})
