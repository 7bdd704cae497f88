/**
 * The repeat view holds its first view's machine-budget slot: two runners (two pools,
 * two browsers, one process) measure at once under a budget of one load, one of them
 * with a repeat view of a page whose document takes 1.5 s. The other load starts only
 * after that repeat view has ended, never during it — it would otherwise have begun
 * while the slow repeat view was still loading.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { LocalBackend, Pool } from '@world-page-speed/flame'
import type { Measurement } from '../../src/browser/types.ts'
import { timedNav } from '../../src/speedtest/timed-nav.ts'
import { CACHE, type CacheSite, startCacheSite } from '../fixtures/cache-site.ts'

const DELAY_MS = 1500

/** [start, end] of a view's page load, epoch ms of the machine's clock. */
const windowOf = (m: Measurement): [number, number] => {
  assert.ok(m.startedAt !== undefined && m.metrics.load !== null, JSON.stringify(m.error))
  return [m.startedAt, m.startedAt + m.metrics.load]
}

describe('a repeat view within the machine budget', () => {
  let site: CacheSite
  const pools: Pool[] = []
  before(async () => {
    site = await startCacheSite()
    for (const name of ['repeat-a', 'repeat-b']) {
      pools.push(new Pool({ name, backend: new LocalBackend(), max: 1, log: false }))
    }
  })
  after(async () => {
    await Promise.all(pools.map((pool) => pool.shutdown()))
    await site?.close()
  })

  it('lets no other load on the machine overlap the repeat view', async () => {
    const [a, b] = pools as [Pool, Pool]
    const input = (tag: string, repeatView: boolean) => ({
      url: `${site.url}${CACHE.page}?delay=${DELAY_MS}&${tag}`,
      timeoutMs: 20_000,
      machineSlots: 1,
      egress: { allowPrivate: true, latencyMs: 0 },
      repeatView,
    })
    const withRepeat = a.call(timedNav, input('a', true), { timeout: 90_000 })
    const other = b.call(timedNav, input('b', false), { timeout: 90_000 })
    const [first, single] = await Promise.all([withRepeat, other])
    assert.equal(first.error, null)
    assert.ok(first.repeatView, 'a repeat view')
    assert.equal(first.repeatView.error, null)
    assert.equal(single.error, null)
    const [repeatStart, repeatEnd] = windowOf(first.repeatView)
    const [firstStart] = windowOf(first)
    const [otherStart, otherEnd] = windowOf(single)
    assert.ok(repeatEnd - repeatStart >= DELAY_MS, 'the repeat view took as long as its document')
    // The other load ran wholly before the first view began, or wholly after the repeat view.
    assert.ok(
      otherEnd <= firstStart || otherStart >= repeatEnd,
      `other load ${otherStart}–${otherEnd}, views ${firstStart}–${repeatEnd}`,
    )
  })
})
