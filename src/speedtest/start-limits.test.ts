import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createMemoryCluster, MemoryHub } from '../cluster/index.ts'
import type { Cluster } from '../cluster/types.ts'
import { StartLimits } from './start-limits.ts'

describe('StartLimits across an in-process cluster', () => {
  const clusters: Cluster[] = []
  after(async () => {
    for (const cluster of clusters) await cluster.close()
  })
  const member = (hub: MemoryHub, node: string) => {
    const cluster = createMemoryCluster(hub, { node, region: node.slice(0, 3), machineId: 'm', capacity: 1 })
    clusters.push(cluster)
    return cluster
  }

  it('counts every node’s starts in one place: the member with the lowest id', async () => {
    const hub = new MemoryHub()
    const a = new StartLimits(member(hub, 'ams-1'), { perHost: 2, total: 3 })
    const b = new StartLimits(member(hub, 'bom-1'), { perHost: 2, total: 3 })
    assert.deepEqual(await b.take('example.com'), { ok: true })
    assert.deepEqual(await a.take('example.com'), { ok: true })
    const host = await b.take('example.com')
    assert.equal(host.ok, false)
    assert.equal(host.ok === false && host.scope, 'host')
    assert.ok(host.ok === false && host.retryAfterMs > 59_000 && host.retryAfterMs <= 60_000)
    assert.deepEqual(await b.take('example.org'), { ok: true })
    const total = await a.take('example.net')
    assert.equal(total.ok === false && total.scope, 'total')
  })

  it('counts on the node itself when the counting member cannot answer', async () => {
    const hub = new MemoryHub()
    // "aaa-1" sorts first but serves no limits (an older node, say): the call fails.
    member(hub, 'aaa-1')
    const b = new StartLimits(member(hub, 'bom-1'), { perHost: 1, total: 0 })
    assert.deepEqual(await b.take('example.com'), { ok: true })
    assert.equal((await b.take('example.com')).ok, false, 'still limited, by this node alone')
  })
})
