/**
 * FlyBackend: each runner is a Fly.io Machine of its own, booted from the app's image in
 * the parent's region, that dials back to its parent over NATS — FLAME's `FlyBackend`.
 *
 *   const link = await NatsLink.listen({ servers: process.env.NATS_URL! })
 *   const backend = new FlyBackend({
 *     link,
 *     api: { url: 'https://api.machines.dev', token: process.env.FLY_API_TOKEN!, app: 'wps' },
 *     image: process.env.FLY_IMAGE_REF!,
 *     region: process.env.FLY_REGION!,
 *     cmd: ['node', 'bin/wps.mjs', 'runner'],          // run from the image's working directory
 *     guest: parseGuest('performance-2x'),
 *     env: { WPS_NAV_TIMEOUT_MS: '30000' },             // what the runner needs besides FLAME_PARENT
 *   })
 *   const pool = new Pool({ name: 'browser', backend, max: 4, bootTimeout: 30_000 })
 *
 * A boot is `POST /v1/apps/{app}/machines` with `{name, region, config: {image, init:
 * {cmd}, guest, auto_destroy: true, restart: {policy: 'no'}, env, metadata}}` (create
 * retries 429/412/409/422, see fly-api.ts), then waiting for the runner to dial in; one
 * that has not before the pool's `bootTimeout` is destroyed (`DELETE …?force=true`)
 * and the boot fails. A runner that ends, is lost, or is killed has its machine
 * destroyed (retried). When the runner process exits by itself, `auto_destroy` removes
 * the machine anyway.
 *
 * No orphans across restarts: every machine carries `metadata.flame_parent_id` (this
 * parent process's id) and `flame_pool`. At start and every `sweepEveryMs`, the backend
 * lists the app's machines and destroys those
 *   - of a parent that no longer answers on NATS (`link.isParentAlive` is `false`
 *     twice, `confirmDeadAfterMs` apart: a crashed or redeployed node), and
 *   - of this parent that it does not know (a create whose answer was lost), once older
 *     than `strayAfterMs`.
 * It never touches a machine without `flame_parent_id` (the app's own nodes), nor the
 * runners of a parent that answers or that it cannot reach (unsure means leave it).
 */

import type { Backend, BootSpec, RunnerConnection } from '../backend.ts'
import type { NatsLink } from '../nats-link.ts'
import { type FlyApiOptions, type FlyGuest, type FlyMachine, FlyMachinesApi } from './fly-api.ts'
import { MachineBackend } from './machine.ts'

export interface FlyBackendOptions {
  link: NatsLink
  api: FlyApiOptions | FlyMachinesApi
  /** `FLY_IMAGE_REF`: the image this app runs (node and runner are one image). */
  image: string
  /** Where runners boot: the parent's region. */
  region: string
  /** The runner command, run from the image's working directory. */
  cmd: string[]
  guest: FlyGuest
  /** Environment for the runner besides `FLAME_PARENT`. */
  env?: Record<string, string>
  /** Orphan sweep period; 0 = only at start. Default 60 s. */
  sweepEveryMs?: number
  /** A machine of this parent that it does not track is a stray once this old. Default 5 min. */
  strayAfterMs?: number
  /**
   * A parent that does not answer is asked again this much later before its machines are
   * destroyed: a node whose NATS has not yet joined its cluster (just booted, routes not
   * up) would otherwise take every other node for dead. Default 15 s.
   */
  confirmDeadAfterMs?: number
  log?: (line: string) => void
}

export interface SweepResult {
  destroyed: string[]
  kept: number
}

export const PARENT_META = 'flame_parent_id'
export const POOL_META = 'flame_pool'
export const RUNNER_META = 'flame_runner_id'

export class FlyBackend implements Backend {
  readonly name = 'fly'
  readonly api: FlyMachinesApi
  /** The first sweep, started by the constructor. */
  readonly swept: Promise<SweepResult>
  private readonly inner: MachineBackend<FlyMachine>
  private readonly tracked = new Set<string>()
  private readonly timer: NodeJS.Timeout | undefined
  private sweeping: Promise<SweepResult> | undefined
  private readonly log: (line: string) => void

  constructor(private readonly options: FlyBackendOptions) {
    this.api = options.api instanceof FlyMachinesApi ? options.api : new FlyMachinesApi(options.api)
    const log = options.log ?? ((line: string) => console.error(`[flame fly] ${line}`))
    this.log = log
    this.inner = new MachineBackend<FlyMachine>({
      name: 'fly',
      link: options.link,
      log,
      machines: {
        create: async ({ runnerId, env, parent, signal }) => {
          const suffix = Math.random().toString(36).slice(2, 8)
          const machine = await this.api.create(
            {
              name: `flame-${runnerId}-${suffix}`,
              region: options.region,
              config: {
                image: options.image,
                init: { cmd: options.cmd },
                guest: options.guest,
                auto_destroy: true,
                restart: { policy: 'no' },
                env: { ...options.env, ...env },
                metadata: {
                  [PARENT_META]: parent.parentId,
                  [POOL_META]: parent.pool,
                  [RUNNER_META]: runnerId,
                },
              },
            },
            signal,
          )
          this.tracked.add(machine.id)
          return machine
        },
        destroy: async (machine) => {
          await this.api.destroy(machine.id)
          this.tracked.delete(machine.id)
        },
      },
    })
    this.swept = this.sweep()
    this.swept.catch((err: unknown) =>
      log(`orphan sweep failed: ${err instanceof Error ? err.message : err}`),
    )
    const every = options.sweepEveryMs ?? 60_000
    if (every > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((err: unknown) =>
          log(`orphan sweep failed: ${err instanceof Error ? err.message : err}`),
        )
      }, every)
      this.timer.unref()
    }
  }

  boot(spec: BootSpec): Promise<RunnerConnection> {
    return this.inner.boot(spec)
  }

  drain(): Promise<void> {
    return this.inner.drain()
  }

  /** Stop sweeping (the pool's machines are the pool's to end). */
  close(): void {
    clearInterval(this.timer)
  }

  /** Destroy orphans: see the module comment for which machines count. */
  sweep(): Promise<SweepResult> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined
    })
    return this.sweeping
  }

  private async sweepOnce(): Promise<SweepResult> {
    const { link } = this.options
    const machines = (await this.api.list()).filter(
      (m) => m.metadata[PARENT_META] && m.state !== 'destroyed' && m.state !== 'destroying',
    )
    const strayAfter = this.options.strayAfterMs ?? 5 * 60_000
    const parentOf = (m: FlyMachine): string => m.metadata[PARENT_META] ?? ''
    // parents that do not answer now, asked again later: only the still silent are dead
    const silent = new Set<string>()
    for (const parentId of new Set(machines.map(parentOf))) {
      if (parentId !== link.parentId && (await link.isParentAlive(parentId)) === false) silent.add(parentId)
    }
    if (silent.size > 0) {
      await new Promise((r) => setTimeout(r, this.options.confirmDeadAfterMs ?? 15_000))
      for (const parentId of [...silent]) {
        if ((await link.isParentAlive(parentId)) !== false) silent.delete(parentId)
      }
    }
    const destroyed: string[] = []
    let kept = 0
    for (const m of machines) {
      const parentId = parentOf(m)
      const age = m.created_at ? Date.now() - Date.parse(m.created_at) : 0
      const orphan =
        parentId === link.parentId ? !this.tracked.has(m.id) && age > strayAfter : silent.has(parentId)
      if (!orphan) {
        kept++
        continue
      }
      await this.inner.destroy(m)
      destroyed.push(m.id)
      this.log(`destroyed orphan machine ${m.id} (${m.name}) of parent ${parentId}`)
    }
    return { destroyed, kept }
  }
}
