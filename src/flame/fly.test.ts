/**
 * FlyBackend against a fake Fly Machines API that speaks the real wire format and boots
 * each machine by running its `config.init.cmd` with only `config.env` (no IPC), with a
 * real nats-server between parent and runners.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { FlyBackend, PARENT_META, POOL_META } from './backends/fly.ts'
import { FlyMachinesApi, parseGuest } from './backends/fly-api.ts'
import { NatsLink } from './nats-link.ts'
import { PARENT_ENV, PARENT_ID, Parent } from './parent.ts'
import { alive, killParentAndAwaitRunner, killRunnerProcess } from './testing/backend-tests.ts'
import { runnerFixture, tsxLoader } from './testing/backends.ts'
import { conformance } from './testing/conformance.ts'
import { type FakeFly, startFakeFly } from './testing/fake-fly.ts'
import { perTestPools, rejectsWith, startCall, waitFor } from './testing/harness.ts'
import { startNats, type TestNats } from './testing/nats-server.ts'
import { environment, sleep, whoami } from './testing/tasks.ts'

const APP = 'wps-test'
const TOKEN = 'fly-test-token'
const appRoot = fileURLToPath(new URL('../..', import.meta.url))
const cmd = ['node', '--import', tsxLoader, runnerFixture]

const nats: TestNats = await startNats()
const link: NatsLink = await NatsLink.listen({ servers: nats.url })
const fly: FakeFly = await startFakeFly({ app: APP, token: TOKEN, appRoot })
// the conformance suite boots dozens of runners: its API has no rate limit (tested below)
const unlimited: FakeFly = await startFakeFly({
  app: APP,
  token: TOKEN,
  appRoot,
  ratePerSecond: 1e6,
  burst: 1e6,
})
const logs: string[] = []

conformance({
  name: 'fly (fake Machines API, NATS)',
  backend: () =>
    new FlyBackend({
      link,
      api: { url: unlimited.url, token: TOKEN, app: APP },
      image: 'registry.fly.io/wps-test:deployment-1',
      region: 'fra',
      cmd,
      guest: parseGuest('performance-2x'),
      sweepEveryMs: 0,
      log: () => {},
    }),
  kill: killRunnerProcess,
})

let poolSeq = 0

/** Each test's pool has a name of its own, so its runner ids (and machines) are its own. */
const pool = perTestPools(() => ({
  name: `fly${++poolSeq}`,
  max: 1,
  shutdownTimeout: 1_000,
  log: (l) => logs.push(l),
}))

// Runs after perTestPools' own afterEach, registered just above (hooks run in order of
// registration), which has shut the test's pools down.
afterEach(async () => {
  fly.boot = 'run'
  // no paid machine outlives its pool
  await waitFor('the pools’ machines to be destroyed', () => liveMachines().length === 0, 10_000)
})
after(async () => {
  await fly.close()
  await unlimited.close()
  await link.close()
  await nats.stop()
})

function flyBackend(overrides: Partial<ConstructorParameters<typeof FlyBackend>[0]> = {}): FlyBackend {
  return new FlyBackend({
    link,
    api: { url: fly.url, token: TOKEN, app: APP, retryDelayMs: 300 },
    image: 'registry.fly.io/wps-test:deployment-1',
    region: 'fra',
    cmd,
    guest: parseGuest('performance-2x'),
    env: { WPS_NAV_TIMEOUT_MS: '30000' },
    sweepEveryMs: 0,
    confirmDeadAfterMs: 300,
    log: (line) => logs.push(line),
    ...overrides,
  })
}

function machineOf(runnerId: string) {
  return fly
    .machines()
    .find(
      (m) => m.config.metadata.flame_runner_id === runnerId && m.config.metadata[PARENT_META] === PARENT_ID,
    )
}

/** This process's pool machines not yet destroyed. */
function liveMachines() {
  return fly.machines().filter((m) => m.config.metadata[PARENT_META] === PARENT_ID && m.state !== 'destroyed')
}

describe('FlyBackend over the Machines API', () => {
  it('boots a runner as a machine in the parent region, cold then hot, with the exact create body', async () => {
    const p = pool(flyBackend())
    const placements: { cold: boolean; runnerId: string }[] = []
    const first = await p.call(environment, null, { onPlaced: (x) => placements.push(x) })
    const second = await p.call(whoami, null, { onPlaced: (x) => placements.push(x) })
    assert.deepEqual(
      placements.map((x) => x.cold),
      [true, false],
    )
    assert.equal(placements[0]?.runnerId, placements[1]?.runnerId)
    assert.equal(first.ipc, false)
    assert.equal(second.pid, first.pid)
    const machine = machineOf(second.runnerId)
    assert.ok(machine, 'a machine for the runner')
    assert.equal(machine.state, 'started')
    assert.equal(machine.region, 'fra')
    assert.equal(machine.config.image, 'registry.fly.io/wps-test:deployment-1')
    assert.deepEqual(machine.config.init.cmd, cmd)
    assert.deepEqual(machine.config.guest, { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 })
    assert.equal(machine.config.auto_destroy, true)
    assert.deepEqual(machine.config.restart, { policy: 'no' })
    assert.deepEqual(Object.keys(machine.config.env).sort(), [PARENT_ENV, 'WPS_NAV_TIMEOUT_MS'])
    const record = Parent.decode(machine.config.env[PARENT_ENV] ?? '')
    assert.equal(record.parentId, PARENT_ID)
    assert.equal(record.runnerId, second.runnerId)
    assert.equal(machine.config.metadata[POOL_META], p.name)
    assert.equal(fly.pidOf(machine.id), first.pid)
  })

  it('idles away: the runner exits and its machine ends destroyed', async () => {
    const p = pool(flyBackend(), { idleShutdownAfter: 300 })
    const who = await p.call(whoami, null)
    await waitFor('the idle shutdown', () => p.stats().runners === 0, 10_000)
    await waitFor('the machine to be destroyed', () => machineOf(who.runnerId)?.state === 'destroyed', 10_000)
    assert.equal(alive(who.pid), false)
    assert.equal(p.stats().idleShutdowns, 1)
  })

  it('retries a create that finds no capacity (412) and one that is rate limited (429)', async () => {
    fly.failCreates(412, 2)
    const before = fly.requests.length
    const p = pool(flyBackend(), { max: 4, maxConcurrency: 1 })
    // four boots at once: Fly allows a burst of 3 creates, so one is rate limited
    // each call holds its runner long enough that all four are needed
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => p.call(sleep, { ms: 4_000 }, { timeout: 60_000 })),
    )
    assert.equal(new Set(results).size, 4)
    const creates = fly.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.endsWith('/machines'))
    assert.equal(creates.filter((r) => r.status === 412).length, 2)
    assert.ok(
      creates.some((r) => r.status === 429),
      `statuses: ${creates.map((r) => r.status)}`,
    )
    assert.equal(creates.filter((r) => r.status === 200).length, 4)
    assert.equal(p.stats().bootFailures, 0)
  })

  it('fails a boot with the API message when Fly says no for good; the pool’s retry rules apply', async () => {
    fly.failCreates(401, 1, 'token has expired')
    const before = fly.requests.length
    const p = pool(flyBackend())
    // the failed boot is retried by the pool (backoff), not by the API client
    const who = await p.call(whoami, null)
    assert.equal(typeof who.pid, 'number')
    assert.equal(p.stats().bootFailures, 1)
    const refused = fly.requests.slice(before).filter((r) => r.method === 'POST' && r.status === 401)
    assert.equal(refused.length, 1, 'a 401 is not retried by the client')
    assert.ok(
      logs.some(
        (l) => l.includes(`boot of ${p.name}-1 failed`) && l.includes('failed with 401: token has expired'),
      ),
    )
  })

  it('destroys a machine whose runner never connects within the boot timeout; the boot counts as failed', async () => {
    fly.boot = 'never'
    const p = pool(flyBackend(), { bootTimeout: 1_000 })
    await rejectsWith(p.call(whoami, null, { timeout: 1_800 }), 'timeout')
    const stuck = fly.machines().filter((m) => m.config.metadata[POOL_META] === p.name)
    assert.ok(stuck.length >= 1)
    await waitFor('the stuck machines to be destroyed', () => stuck.every((m) => m.state === 'destroyed'))
    assert.ok(p.stats().bootFailures >= 1)
    assert.ok(
      fly.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('?force=true') && r.status === 200),
    )
    fly.boot = 'run'
    assert.equal(typeof (await p.call(whoami, null)).pid, 'number')
  })

  it('kill -9 of a runner mid-call: runner_lost within 5 s, its machine destroyed, the next call works', async () => {
    const p = pool(flyBackend())
    const call = startCall(p, sleep, { ms: 30_000 })
    await call.started
    const runnerId = p.stats().runnerDetails[0]?.id ?? ''
    const machine = machineOf(runnerId)
    assert.ok(machine)
    const t0 = performance.now()
    fly.kill(machine.id)
    await rejectsWith(call.result, 'runner_lost')
    const ms = performance.now() - t0
    assert.ok(ms < 5_000, `runner_lost after ${Math.round(ms)} ms`)
    await waitFor('a destroy of the lost machine', () =>
      fly.requests.some((r) => r.method === 'DELETE' && r.path.includes(machine.id)),
    )
    const next = await p.call(whoami, null)
    assert.notEqual(next.runnerId, runnerId)
  })

  it('kill -9 of the node: its runners exit within 10 s', async () => {
    const ms = await killParentAndAwaitRunner(
      ['fly-parent-fixture.ts', nats.url, fly.url, TOKEN, APP],
      12_000,
    )
    assert.ok(ms < 10_000, `runner exited ${Math.round(ms)} ms after its node`)
  })

  it('destroys at start the orphans of a dead parent, never the app’s own machines or a live parent’s runners', async () => {
    const api = new FlyMachinesApi({ url: fly.url, token: TOKEN, app: APP, retryDelayMs: 300 })
    const sibling = await NatsLink.listen({ servers: nats.url, parentId: 'live-sibling-1-abcd' })
    try {
      const idle = ['node', '-e', 'setTimeout(() => {}, 60000)']
      const machine = (name: string, metadata: Record<string, string>) =>
        api.create({
          name,
          region: 'fra',
          config: {
            image: 'registry.fly.io/wps-test:deployment-0',
            init: { cmd: idle },
            guest: parseGuest('shared-cpu-1x'),
            auto_destroy: true,
            restart: { policy: 'no' },
            env: {},
            metadata,
          },
        })
      const orphan = await machine('flame-browser-1-old', {
        [PARENT_META]: 'crashed-node-1-dead',
        [POOL_META]: 'browser',
      })
      const node = await machine('app-node', { fly_process_group: 'app' })
      const siblings = await machine('flame-browser-1-sib', {
        [PARENT_META]: sibling.parentId,
        [POOL_META]: 'browser',
      })
      const backend = flyBackend()
      const swept = await backend.swept
      assert.deepEqual(swept.destroyed, [orphan.id])
      const state = (id: string) => fly.machines().find((m) => m.id === id)?.state
      assert.equal(state(orphan.id), 'destroyed')
      assert.equal(state(node.id), 'started')
      assert.equal(state(siblings.id), 'started')
      for (const m of [node, siblings]) await api.destroy(m.id)
    } finally {
      await sibling.close()
    }
  })
})
