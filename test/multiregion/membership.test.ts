/**
 * Membership across real processes: three `wps serve` nodes (ord, fra, syd) joined
 * through a real nats-server find each other within a second of the last one serving,
 * label themselves with their cities, and a node killed with -9 (no goodbye) drops out
 * of the others' lists within a few heartbeats.
 *
 *   node --import tsx --test test/multiregion/membership.test.ts
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nodesSeenBy, regionsOf, waitUntil } from '../support/api.ts'
import { describeProcesses, startPlanet } from './nodes.ts'

const CITIES: Record<string, { city: string; country: string }> = {
  ord: { city: 'Chicago', country: 'US' },
  fra: { city: 'Frankfurt', country: 'DE' },
  syd: { city: 'Sydney', country: 'AU' },
}

test('three nodes see each other within a second, with city labels; a kill -9 drops one within seconds', async (t) => {
  const planet = await startPlanet(Object.keys(CITIES).map((region) => ({ region })))
  t.after(() => planet.stop())
  const everyone = planet.nodes.map((n) => n.node).sort()
  const lastPrinted = Math.max(...planet.nodes.map((n) => n.printedAt))

  await Promise.all(
    planet.nodes.map((n) =>
      waitUntil(
        async () => (await nodesSeenBy(n.url)).join() === everyone.join(),
        5000,
        `${n.region} lists all three nodes`,
      ),
    ),
  )
  const joinedAfterMs = performance.now() - lastPrinted
  t.diagnostic(
    `every node listed all three ${joinedAfterMs.toFixed(0)} ms after the last one printed its URL`,
  )
  assert.ok(
    joinedAfterMs <= 1000,
    `membership took ${joinedAfterMs.toFixed(0)} ms after the last node served`,
  )

  for (const n of planet.nodes) {
    const listed = await regionsOf(n.url)
    assert.deepEqual(
      listed.map((entry) => [entry.node, entry.region, entry.city, entry.country]).sort(),
      planet.nodes.map((m) => [m.node, m.region, CITIES[m.region]?.city, CITIES[m.region]?.country]).sort(),
      `${n.region}'s list labels every node with its region's city`,
    )
    for (const entry of listed) {
      assert.equal(typeof entry.lat, 'number')
      assert.equal(typeof entry.lon, 'number')
    }
  }

  const syd = planet.byRegion('syd')
  const killedAt = performance.now()
  syd.child.kill('SIGKILL')
  await syd.exited
  const rest = planet.nodes.filter((n) => n !== syd)
  const remaining = rest.map((n) => n.node).sort()
  await Promise.all(
    rest.map((n) =>
      waitUntil(
        async () => (await nodesSeenBy(n.url)).join() === remaining.join(),
        5000,
        `${n.region} drops the killed syd node`,
      ),
    ),
  )
  t.diagnostic(
    `the killed node left both lists ${(performance.now() - killedAt).toFixed(0)} ms after kill -9`,
  )

  const leftovers = await planet.stop()
  assert.deepEqual(describeProcesses(leftovers), [], 'processes the nodes started are still alive')
})
