/**
 * KubernetesBackend: each runner is a pod of its own, cloned from the pod this process
 * runs in, joined to its parent over the network link (NATS). It is a `MachineBackend`
 * whose machines are pods: create = `POST` a pod, destroy = `DELETE` it.
 *
 *   const link = await NatsLink.listen({ servers: process.env.NATS_URL! })
 *   const backend = new KubernetesBackend({
 *     link,
 *     command: ['node', 'bin/wps.mjs', 'runner'],        // as run from the image's working directory
 *     env: { NATS_URL: process.env.NATS_URL! },           // what the app needs, on top of the pod's own env
 *     resources: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
 *   })
 *   const pool = new Pool({ name: 'browser', backend, max: 8, bootTimeout: 30_000 })
 *
 * In-cluster configuration, read once at the first boot:
 * - the node's own pod is `POD_NAME` in `POD_NAMESPACE` (the downward API; the namespace
 *   defaults to the service account's), fetched with `GET /api/v1/namespaces/{ns}/pods/{name}`;
 * - credentials are the service-account files (`token`, `ca.crt`, `namespace` in
 *   `/var/run/secrets/kubernetes.io/serviceaccount` or `WPS_K8S_SERVICE_ACCOUNT_DIR`), the API
 *   is `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`.
 *
 * A runner pod (see `kubernetes-runner-pod.ts`) is owned by the node's pod, never
 * restarted, and labelled with its parent pod, parent process and pool. It is deleted
 * when its runner ends, is lost (no heartbeats: `kill -9`, a dead node), is killed by the
 * pool, or has not dialled in by `bootTimeout`; a pod that fails or exits before its
 * runner dials in fails the boot at once, with the pod's phase and reason. Before its
 * first boot, and then every `sweepInterval`, the backend deletes the runner pods whose
 * parent process is gone (`kubernetes-orphans.ts`): a node whose container restarted
 * cleans up after its previous life at once; the runners of a silent parent in another
 * live pod go only if it is still silent `confirmDeadAfter` later. The Role this needs: pods create, get, list, delete.
 */

import { randomBytes } from 'node:crypto'
import type { Backend, BootSpec, RunnerConnection, RunnerExit } from '../backend.ts'
import { FlameError } from '../errors.ts'
import type { NatsLink } from '../nats-link.ts'
import type { FromRunner, ToRunner } from '../protocol.ts'
import { KubernetesApi, KubernetesApiError } from './kubernetes-api.ts'
import { inClusterCredentials, KubernetesConfigError } from './kubernetes-credentials.ts'
import { sweepOrphans } from './kubernetes-orphans.ts'
import { podName, type StoredPod } from './kubernetes-pod.ts'
import { runnerAnnotations, runnerLabels, runnerPod } from './kubernetes-runner-pod.ts'
import { MachineBackend, type MachineRequest } from './machine.ts'

export interface KubernetesBackendOptions {
  link: NatsLink
  /** The runner command inside the image, e.g. `['node', 'bin/wps.mjs', 'runner']`. */
  command: string[]
  /** Set in the runner pod's env, over the node container's own env (`FLAME_PARENT` is added). */
  env?: Record<string, string>
  /** Which container of the node's pod runs the app. Default: the first. */
  container?: string
  /** The runner container's `resources`. Default: the node container's. */
  resources?: Record<string, unknown>
  /** Where `POD_NAME`, `POD_NAMESPACE` and the in-cluster variables are read. Default `process.env`. */
  environment?: NodeJS.ProcessEnv
  /** An API client (tests, or a client configured another way). Default: in-cluster. */
  api?: KubernetesApi
  /** How often orphans are swept after the first boot; 0 = only then. Default 60 s. */
  sweepInterval?: number
  /**
   * A silent parent in another live pod is taken for dead only when still silent this
   * long later (a NATS cluster still joining says "nobody" for a live one). Default 15 s.
   */
  confirmDeadAfter?: number
  /** How often a booting runner's pod phase is read. Default 1 s. */
  bootPollInterval?: number
  log?: (line: string) => void
}

interface PodMachine {
  id: string
}

interface Home {
  api: KubernetesApi
  pod: StoredPod
}

export class KubernetesBackend implements Backend {
  readonly name = 'kubernetes'
  private readonly machines: MachineBackend<PodMachine>
  private readonly tracked = new Set<string>()
  private readonly booting = new Map<string, AbortController>()
  private home: Promise<Home> | undefined
  private sweeper: NodeJS.Timeout | undefined
  private recheck: NodeJS.Timeout | undefined
  private readonly silentSince = new Map<string, number>()
  private draining = false
  private readonly log: (line: string) => void
  private readonly confirmDeadAfter: number

  constructor(private readonly options: KubernetesBackendOptions) {
    this.confirmDeadAfter = options.confirmDeadAfter ?? 15_000
    if (options.command.length === 0) throw new KubernetesConfigError('KubernetesBackend: command is empty')
    this.log = options.log ?? ((line) => process.stderr.write(`[flame kubernetes] ${line}\n`))
    this.machines = new MachineBackend<PodMachine>({
      name: this.name,
      link: options.link,
      log: this.log,
      machines: {
        create: (request) => this.createPod(request),
        destroy: (machine) => this.deletePod(machine.id),
      },
    })
  }

  async boot(spec: BootSpec): Promise<RunnerConnection> {
    await this.start()
    // Our own abort, on top of the pool's: a pod that fails before dialling in ends the boot now.
    const attempt = new AbortController()
    const follow = (): void => attempt.abort(spec.signal.reason)
    if (spec.signal.aborted) follow()
    else spec.signal.addEventListener('abort', follow, { once: true })
    this.booting.set(spec.runnerId, attempt)
    try {
      return new HardStop(await this.machines.boot({ ...spec, signal: attempt.signal }))
    } catch (err) {
      const why = attempt.signal.reason
      throw why instanceof FlameError && why.code === 'boot_failed' ? why : err
    } finally {
      spec.signal.removeEventListener('abort', follow)
      this.booting.delete(spec.runnerId)
    }
  }

  /** Resolves when every pod this backend created is deleted; stops the periodic sweep. */
  async drain(): Promise<void> {
    this.draining = true
    if (this.sweeper) clearInterval(this.sweeper)
    if (this.recheck) clearTimeout(this.recheck)
    this.sweeper = undefined
    await this.machines.drain()
  }

  /** The node's own pod and an API client, once; the first orphan sweep before any boot. */
  private start(): Promise<Home> {
    this.home ??= (async () => {
      const env = this.options.environment ?? process.env
      const podNameEnv = env.POD_NAME
      if (!podNameEnv) {
        throw new KubernetesConfigError(
          'POD_NAME is not set: give the node its pod name through the downward API (fieldRef metadata.name)',
        )
      }
      const api = this.options.api ?? new KubernetesApi(inClusterCredentials(env))
      const pod = await api.getPod(podNameEnv)
      const home = { api, pod }
      await this.sweep(home)
      const every = this.options.sweepInterval ?? 60_000
      if (every > 0) {
        this.sweeper = setInterval(() => void this.sweep(home), every)
        this.sweeper.unref()
      }
      return home
    })()
    // a failed start (API down, RBAC missing) is retried at the next boot
    this.home.catch(() => {
      this.home = undefined
    })
    return this.home
  }

  private async sweep(home: Home): Promise<void> {
    try {
      const deleted = await sweepOrphans(
        home.api,
        {
          parentPod: home.pod.metadata.name,
          parentUid: home.pod.metadata.uid,
          parentId: this.options.link.parentId,
        },
        {
          tracked: (name) => this.tracked.has(name),
          isParentAlive: (id) => this.options.link.isParentAlive(id),
          confirmDeadAfterMs: this.confirmDeadAfter,
          silentSince: this.silentSince,
        },
      )
      if (deleted.length) this.log(`deleted ${deleted.length} orphaned runner pod(s): ${deleted.join(', ')}`)
      // a parent found silent is asked again once the confirmation time has passed
      if (this.silentSince.size > 0 && !this.recheck && !this.draining) {
        this.recheck = setTimeout(() => {
          this.recheck = undefined
          void this.sweep(home)
        }, this.confirmDeadAfter + 100)
        this.recheck.unref()
      }
    } catch (err) {
      this.log(`orphan sweep failed: ${message(err)}`)
    }
  }

  private async createPod(request: MachineRequest): Promise<PodMachine> {
    const { api, pod: home } = await this.start()
    request.signal.throwIfAborted()
    const who = {
      parentPod: home.metadata.name,
      parentId: request.parent.parentId,
      pool: request.parent.pool,
      runnerId: request.runnerId,
    }
    // A random tail: a previous life's runner of the same id may still be terminating.
    const name = podName(
      home.metadata.name,
      `${request.runnerId}-${randomBytes(3).toString('hex').slice(0, 5)}`,
    )
    const pod = runnerPod(home, {
      name,
      command: this.options.command,
      env: { ...this.options.env, ...request.env },
      labels: runnerLabels(who),
      annotations: runnerAnnotations(who),
      ...(this.options.container ? { container: this.options.container } : {}),
      ...(this.options.resources ? { resources: this.options.resources } : {}),
    })
    this.tracked.add(name)
    try {
      await api.createPod(pod)
    } catch (err) {
      this.tracked.delete(name)
      throw new FlameError('boot_failed', `creating runner pod ${name} failed: ${message(err)}`, {
        cause: err,
      })
    }
    void this.watchBoot(api, name, request.runnerId)
    return { id: name }
  }

  /** Until its runner dials in: a pod that ended or vanished fails the boot at once. */
  private async watchBoot(api: KubernetesApi, name: string, runnerId: string): Promise<void> {
    const every = this.options.bootPollInterval ?? 1_000
    for (;;) {
      await new Promise((r) => setTimeout(r, every))
      const attempt = this.booting.get(runnerId)
      if (!attempt || attempt.signal.aborted) return
      let why: string | undefined
      try {
        const pod = await api.getPod(name)
        const phase = pod.status?.phase
        if (phase === 'Failed' || phase === 'Succeeded') {
          const reason = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ')
          why = `runner pod ${name} ${phase === 'Failed' ? 'failed' : 'exited'} before its runner connected${reason ? ` (${reason})` : ''}`
        }
      } catch (err) {
        if (err instanceof KubernetesApiError && err.status === 404)
          why = `runner pod ${name} was deleted before its runner connected`
        // other errors: the API may be briefly away; the boot timeout still bounds the wait
      }
      if (why && this.booting.get(runnerId) === attempt) {
        attempt.abort(new FlameError('boot_failed', why))
        return
      }
    }
  }

  private async deletePod(name: string): Promise<void> {
    const { api } = await this.start()
    await api.deletePod(name, { gracePeriodSeconds: 0 }) // resolves false when already gone
    this.tracked.delete(name)
  }
}

/**
 * A killed runner says nothing more: its pod's deletion takes an API round trip, and a
 * `ready` that arrives meanwhile must not make a boot the pool gave up on look good.
 */
class HardStop implements RunnerConnection {
  private killed = false

  constructor(private readonly inner: RunnerConnection) {}

  send(message: ToRunner): void {
    if (!this.killed) this.inner.send(message)
  }

  onMessage(listener: (message: FromRunner) => void): void {
    this.inner.onMessage((m) => {
      if (!this.killed) listener(m)
    })
  }

  onExit(listener: (exit: RunnerExit) => void): void {
    this.inner.onExit(listener)
  }

  kill(): Promise<void> {
    this.killed = true
    return this.inner.kill()
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
