/**
 * `wps serve` through a network backend (Fly.io Machines, Kubernetes pods), the part
 * every such end-to-end test shares: a real nats-server the runners dial back over and
 * the fixture site, a server that is stopped (and checked for leftovers) when the test
 * ends, and the scenario every backend must pass — a page measured cold then hot on one
 * reused runner, which is not the server's child and is gone after the server stops.
 *
 *   const world = networkBackendWorld()      // in a describe: before/after hooks
 *   it('…', async (t) => {
 *     const server = await serveForTest(t, { WPS_POOL_BACKEND: 'fly', NATS_URL: world.nats.url, … })
 *     await measureColdThenHot(server, world.site)
 *     // …assertions on the one runner the backend made…
 *     await stopLeavingNoRunner(server, runnerPid, () => live().length === 0, 'the runner machine to be destroyed')
 *   })
 */
import assert from 'node:assert/strict'
import { after, before, type TestContext } from 'node:test'
import { type NatsServer, startNatsServer } from '../cluster/nats-server.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { runTest, waitUntil } from './api.ts'
import { startWpsServer, type WpsServer } from './wps-process.ts'

export interface NetworkBackendWorld {
  readonly nats: NatsServer
  readonly site: FixtureSite
}

/**
 * A nats-server and the fixture site for the enclosing describe; `start` (the fake API,
 * say) runs after them and `stop` before they end.
 */
export function networkBackendWorld(hooks: { start?: () => Promise<void>; stop?: () => Promise<void> } = {}) {
  let nats: NatsServer | undefined
  let site: FixtureSite | undefined
  before(async () => {
    nats = await startNatsServer()
    await hooks.start?.()
    site = await startFixtureSite()
  })
  after(async () => {
    await site?.close()
    await hooks.stop?.()
    await nats?.stop()
  })
  const world: NetworkBackendWorld = {
    get nats() {
      assert.ok(nats, 'the nats-server has started (before hook)')
      return nats
    },
    get site() {
      assert.ok(site, 'the fixture site has started (before hook)')
      return site
    },
  }
  return world
}

/** `wps serve` with `env`, stopped when the test ends, leaving nothing running. */
export async function serveForTest(t: TestContext, env: Record<string, string>): Promise<WpsServer> {
  const server = await startWpsServer(env)
  t.after(async () => {
    const { leftovers } = await server.stop()
    assert.deepEqual(leftovers, [])
  })
  return server
}

/** The rich fixture page measured twice: complete both times, the first on a cold runner, the second hot. */
export async function measureColdThenHot(server: WpsServer, site: FixtureSite): Promise<void> {
  const url = `${site.url}${FACTS.rich.path}`
  const first = (await runTest(server.url, { url }, { timeoutMs: 60_000 })).test
  const second = (await runTest(server.url, { url }, { timeoutMs: 60_000 })).test
  for (const test of [first, second]) {
    assert.equal(test.results[0]?.status, 'complete', JSON.stringify(test.results[0]?.error))
    assert.equal(test.results[0]?.requests, FACTS.rich.requests)
  }
  assert.equal(first.results[0]?.cold, true)
  assert.equal(second.results[0]?.cold, false)
}

/**
 * The runner (`runnerPid`) is the fake API's child, not the server's: it shares nothing
 * with it. Then the server stops, leaving no process, and within 10 s `gone()`.
 */
export async function stopLeavingNoRunner(
  server: WpsServer,
  runnerPid: number | undefined,
  gone: () => boolean,
  what: string,
): Promise<void> {
  assert.ok(runnerPid, 'the runner has a process')
  assert.equal(
    server.started().some((p) => p.pid === runnerPid),
    false,
  )
  const { leftovers } = await server.stop()
  assert.deepEqual(leftovers, [])
  await waitUntil(async () => gone(), 10_000, what)
}
