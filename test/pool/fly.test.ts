/**
 * The product on Fly.io Machines, on one computer: `wps serve` with
 * `WPS_POOL_BACKEND=fly` against a fake Machines API that boots each machine by running
 * its `config.init.cmd` (`node bin/wps.mjs runner`) in the app root with only
 * `config.env` — no IPC, no shared temp folder — and a real nats-server the runner
 * dials back over. Then the browser side on such a runner: the egress guard and the
 * latency emulator run where the browser runs, from the policy in the task input.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { FlyBackend, NatsLink, PARENT_ENV, Pool, parseGuest } from '@world-page-speed/flame'
import { type FakeFly, startFakeFly } from '@world-page-speed/flame/testing'
import { runnerArgs } from '../../src/cli/runner-command.ts'
import { timedNav } from '../../src/speedtest/timed-nav.ts'
import { FACTS } from '../fixtures/site.ts'
import {
  measureColdThenHot,
  networkBackendWorld,
  serveForTest,
  stopLeavingNoRunner,
} from '../support/network-backend.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const APP = 'wps-e2e'
const TOKEN = 'e2e-token'

describe('runners as Fly.io Machines', () => {
  let fly: FakeFly
  const world = networkBackendWorld({
    start: async () => {
      fly = await startFakeFly({ app: APP, token: TOKEN, appRoot: ROOT })
    },
    stop: async () => {
      await fly?.close()
    },
  })

  const live = () => fly.machines().filter((m) => m.state !== 'destroyed')

  it('measures a page through a runner booted as a machine, cold then hot, and leaves no machine behind', async (t) => {
    const { nats, site } = world
    const server = await serveForTest(t, {
      WPS_POOL_BACKEND: 'fly',
      NATS_URL: nats.url,
      FLY_API_TOKEN: TOKEN,
      FLY_APP_NAME: APP,
      FLY_IMAGE_REF: 'registry.fly.io/wps-e2e:deployment-1',
      WPS_FLY_API_URL: fly.url,
      WPS_REGION: 'fra',
      WPS_ALLOW_PRIVATE: '1',
    })
    await measureColdThenHot(server, site)
    const machines = live()
    assert.equal(machines.length, 1, 'one runner machine, reused')
    const machine = machines[0]!
    assert.deepEqual(machine.config.init.cmd, ['node', ...runnerArgs('bin/wps.mjs')])
    assert.equal(machine.region, 'fra')
    assert.deepEqual(machine.config.guest, { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 })
    assert.ok(PARENT_ENV in machine.config.env)
    assert.equal(machine.config.env.NATS_URL, nats.url)
    await stopLeavingNoRunner(
      server,
      fly.pidOf(machine.id),
      () => live().length === 0,
      'the runner machine to be destroyed',
    )
  })

  describe('the browser side runs on the runner', () => {
    let link: NatsLink
    let pool: Pool
    before(async () => {
      link = await NatsLink.listen({ servers: world.nats.url })
      const backend = new FlyBackend({
        link,
        api: { url: fly.url, token: TOKEN, app: APP },
        image: 'registry.fly.io/wps-e2e:deployment-1',
        region: 'fra',
        cmd: ['node', 'bin/wps.mjs', 'runner'],
        guest: parseGuest('performance-2x'),
        sweepEveryMs: 0,
        log: () => {},
      })
      pool = new Pool({ name: 'egress', backend, max: 1, log: false })
    })
    after(async () => {
      await pool?.shutdown()
      await link?.close()
    })

    it('refuses a private target when the policy says public only', async () => {
      const m = await pool.call(timedNav, {
        url: `${world.site.url}${FACTS.rich.path}`,
        timeoutMs: 20_000,
        machineSlots: 1,
        egress: { allowPrivate: false, latencyMs: 0 },
      })
      assert.equal(m.error?.code, 'blocked_address')
    })

    it('adds the policy’s latency to the page’s connections', async () => {
      const url = `${world.site.url}${FACTS.ttfb.path}?ms=0`
      const direct = await pool.call(timedNav, {
        url,
        timeoutMs: 20_000,
        machineSlots: 1,
        egress: { allowPrivate: true, latencyMs: 0 },
      })
      const delayed = await pool.call(timedNav, {
        url,
        timeoutMs: 20_000,
        machineSlots: 1,
        egress: { allowPrivate: true, latencyMs: 300 },
      })
      assert.equal(direct.error, null)
      assert.equal(delayed.error, null)
      // connection set-up and the request each take a round trip through the emulator
      assert.ok(
        (delayed.metrics.ttfb ?? 0) >= (direct.metrics.ttfb ?? 0) + 300,
        `ttfb ${direct.metrics.ttfb} ms direct, ${delayed.metrics.ttfb} ms at 300 ms RTT`,
      )
    })
  })
})
