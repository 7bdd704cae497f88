/**
 * MachineBackend: runners on machines of their own, joined to their parent over the
 * network link (`NatsLink`). A cloud backend is then only two calls — create a machine
 * with this environment, destroy that machine — and this file does the rest: the
 * parent record and one-time token (`link.expect`), waiting for the runner to dial in,
 * destroying a machine whose boot was abandoned, whose runner ended or was lost, or
 * that the pool killed, and retrying a destroy that failed.
 *
 *   const link = await NatsLink.listen({ servers: process.env.NATS_URL })
 *   const backend = new MachineBackend({
 *     name: 'fly',
 *     link,
 *     machines: {
 *       async create({ runnerId, env, signal }) {
 *         const m = await api.post('/machines', { name: runnerId, config: { env, … } }, { signal })
 *         return { id: m.id }
 *       },
 *       destroy: (machine) => api.delete(`/machines/${machine.id}?force=true`),   // "not found" counts as done
 *     },
 *   })
 *   const pool = new Pool({ name: 'browser', backend, max: 4, bootTimeout: 30_000 })
 *
 * A boot fails (and the pool's retry rules apply) when `create` throws or when the
 * runner has not dialled in before the pool's `bootTimeout` aborts the boot; either
 * way a machine that was created is destroyed. `drain()` resolves when every machine
 * is gone, so `pool.shutdown()` leaves nothing running (and paid for).
 */

import type { Backend, BootSpec, RunnerConnection, RunnerExit } from '../backend.ts'
import type { NatsLink, RunnerLink } from '../nats-link.ts'
import type { ParentInfo } from '../parent.ts'
import type { FromRunner, ToRunner } from '../protocol.ts'

export interface MachineRequest {
  runnerId: string
  /** Everything the runner needs: give the machine exactly this (plus what the app itself needs). */
  env: Record<string, string>
  /** The parent record inside `env`, for metadata (parent id, pool). */
  parent: ParentInfo
  signal: AbortSignal
}

/** What a cloud offers: machines created with an environment, and destroyed. */
export interface Machines<M extends { id: string } = { id: string }> {
  create(request: MachineRequest): Promise<M>
  /** Must treat "already gone" as success. Rejections are retried. */
  destroy(machine: M): Promise<void>
}

export interface MachineBackendOptions<M extends { id: string }> {
  name: string
  link: NatsLink
  machines: Machines<M>
  /** Attempts per destroy before giving up (logged). Default 6 (≈ 8 s of backoff). */
  destroyAttempts?: number
  /** First retry delay of a failed destroy, doubling. Default 250 ms. */
  destroyBackoffMs?: number
  log?: (line: string) => void
}

export class MachineBackend<M extends { id: string } = { id: string }> implements Backend {
  readonly name: string
  private readonly destroying = new Map<string, Promise<void>>()

  constructor(private readonly options: MachineBackendOptions<M>) {
    this.name = options.name
  }

  async boot(spec: BootSpec): Promise<RunnerConnection> {
    spec.signal.throwIfAborted()
    const expected = this.options.link.expect(spec.parent)
    const onAbort = (): void => expected.cancel(abortReason(spec.signal))
    spec.signal.addEventListener('abort', onAbort, { once: true })
    let machine: M
    try {
      machine = await this.options.machines.create({
        runnerId: spec.runnerId,
        env: expected.env,
        parent: expected.parent,
        signal: spec.signal,
      })
    } catch (err) {
      spec.signal.removeEventListener('abort', onAbort)
      expected.cancel(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
    try {
      const link = await expected.connection
      return new MachineConnection(link, () => this.destroy(machine))
    } catch (err) {
      void this.destroy(machine).catch(() => {})
      throw err
    } finally {
      spec.signal.removeEventListener('abort', onAbort)
    }
  }

  /** Destroy `machine`, retrying with backoff; one destroy per machine however often asked. */
  destroy(machine: M): Promise<void> {
    const running = this.destroying.get(machine.id)
    if (running) return running
    const done = this.destroyWithRetries(machine)
    this.destroying.set(machine.id, done)
    // a later ask (the runner's end after a kill) destroys again: "already gone" is success
    void done.then(
      () => this.destroying.delete(machine.id),
      () => this.destroying.delete(machine.id),
    )
    return done
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.destroying.values()])
  }

  private async destroyWithRetries(machine: M): Promise<void> {
    const attempts = this.options.destroyAttempts ?? 6
    let delay = this.options.destroyBackoffMs ?? 250
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.machines.destroy(machine)
        return
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err)
        if (attempt >= attempts) {
          this.options.log?.(`gave up destroying machine ${machine.id} after ${attempt} attempts: ${why}`)
          throw err
        }
        this.options.log?.(`destroying machine ${machine.id} failed (${why}); retrying in ${delay} ms`)
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, 5_000)
      }
    }
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('boot abandoned')
}

/** A RunnerConnection over the network link whose hard stop destroys the machine. */
class MachineConnection implements RunnerConnection {
  private killed: Promise<void> | undefined

  constructor(
    private readonly link: RunnerLink,
    private readonly destroy: () => Promise<void>,
  ) {
    // however the runner ended — goodbye, lost, killed — its machine goes
    link.onEnd(() => void this.destroy().catch(() => {}))
  }

  send(message: ToRunner): void {
    if (!this.killed) this.link.send(message)
  }

  onMessage(listener: (message: FromRunner) => void): void {
    // A killed runner says nothing more: destroying its machine takes an API round trip,
    // and a `ready` arriving meanwhile must not turn a boot the pool gave up on into a runner.
    this.link.onMessage((message) => {
      if (!this.killed) listener(message)
    })
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    this.link.onEnd(listener)
  }

  kill(): Promise<void> {
    this.killed ??= this.destroy().finally(() => this.link.end({ code: null, signal: 'SIGKILL' }))
    return this.killed
  }
}
