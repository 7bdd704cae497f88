/**
 * The tester is not a load generator: the per-target-host limit
 * (`WPS_RATE_LIMIT_PER_HOST_PER_MIN`) holds across the cluster, not per node. Two real
 * `wps serve` processes, each with its own database, joined over a real nats-server;
 * starts alternate between them, and the one past the limit is refused on either node
 * with `429 rate_limited` and a `Retry-After` — while another host may still be tested.
 *
 *   node --import tsx --test test/multiregion/rate-limits.test.ts
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { nodesSeenBy, waitUntil } from '../support/api.ts'
import { describeProcesses, type Planet, startPlanet } from './nodes.ts'

const PER_HOST = 3

const start = async (base: string, url: string) => {
  const response = await fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, regions: ['ord'] }),
    signal: AbortSignal.timeout(10_000),
  })
  return {
    base,
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  }
}

describe('per-host rate limit across two nodes on NATS', () => {
  let site: FixtureSite
  let planet: Planet
  before(async () => {
    site = await startFixtureSite()
    const env = { WPS_RATE_LIMIT_PER_HOST_PER_MIN: String(PER_HOST) }
    planet = await startPlanet([
      { region: 'ord', env },
      { region: 'fra', env },
    ])
    const everyone = planet.nodes.map((n) => n.node).sort()
    for (const node of planet.nodes) {
      await waitUntil(
        async () => (await nodesSeenBy(node.url)).join() === everyone.join(),
        5000,
        `${node.region} lists both nodes`,
      )
    }
  })
  after(async () => {
    const leftovers = await planet?.stop()
    await site?.close()
    assert.deepEqual(describeProcesses(leftovers ?? []), [], 'processes the nodes started are still alive')
  })

  it('refuses the start past the limit on either node, with Retry-After; another host is still tested', async () => {
    const ord = planet.byRegion('ord')
    const fra = planet.byRegion('fra')
    const page = `${site.url}/`
    // Alternating: neither node alone reaches the limit; counted per node, all five would pass.
    const answers = []
    for (const node of [ord, fra, ord, fra, ord]) answers.push(await start(node.url, page))
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 429, 429],
      JSON.stringify(answers.map((a) => a.body)),
    )
    for (const refused of answers.slice(PER_HOST)) {
      assert.equal((refused.body as { error: { code: string } }).error.code, 'rate_limited')
      assert.match(
        (refused.body as { error: { message: string } }).error.message,
        /Too many tests of 127\.0\.0\.1/,
      )
      const retryAfter = Number(refused.retryAfter)
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.retryAfter}`)
    }
    // The limit is per target host: the same fixture under another name is its own host.
    const other = await start(fra.url, page.replace('127.0.0.1', 'localhost'))
    assert.equal(other.status, 201, JSON.stringify(other.body))

    // Every admitted test runs to its end; each node keeps its own database, so ask the one that started it.
    const admitted = [...answers.slice(0, PER_HOST), other]
    await waitUntil(
      async () => {
        const tests = await Promise.all(
          admitted.map(
            async ({ base, body }) =>
              (await (await fetch(`${base}/api/tests/${(body as { id: string }).id}`)).json()) as SpeedTest,
          ),
        )
        return tests.every((test) => test.state === 'done')
      },
      120_000,
      'the admitted tests are done',
    )
  })
})
