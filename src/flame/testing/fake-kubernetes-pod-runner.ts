/**
 * The kubelet's part of a fake Kubernetes cluster: runs a pod's first container as a
 * real process, here, and reports its status as it goes. A Kubernetes node cannot exist
 * here; the runner behind a fake pod is the real one.
 *
 *   const runner = new PodRunner({ root: appRoot, namespace: 'default' })
 *   runner.run(pod, { status: (s, merge) => …, gone: () => … })   // Pending → Running → Succeeded | Failed
 *   runner.terminate('wps-0-browser-1-x1y2z', 30)                  // SIGTERM, SIGKILL 30 s later
 *   runner.logsOf('wps-0-browser-1-x1y2z')                         // what it printed
 *   await runner.close()                                           // SIGKILL to every pod's processes
 *
 * The container runs as `command ++ args` in `root` (the image's working directory: the
 * app), with exactly the container's env — `value`s and the downward API's `fieldRef`s
 * (`metadata.name`, `metadata.namespace`, `metadata.uid`, `status.podIP`, `spec.nodeName`,
 * `spec.serviceAccountName`) — plus `PATH`, and `HOME`/`TMPDIR` set to a temp folder of
 * its own; no IPC, stdout and stderr kept as the pod's log. It runs in a process group of
 * its own, as a container runs in its own cgroup, so a signal reaches every process it
 * started.
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PodStatus, StoredPod } from '../backends/kubernetes-pod.ts'

export interface PodRunnerOptions {
  /** Where pods' commands run (the app root inside the image). */
  root: string
  /** The namespace pods run in (the downward API's `metadata.namespace`). */
  namespace: string
  /** Copy pods' output to this process's stderr, prefixed with the pod name. Default false. */
  echo?: boolean
}

/** Where a pod's runner sends what happens to it (the API server's pod object). */
export interface PodReports {
  /** The pod's status now; `merge` keeps the fields of the previous status it does not name. */
  status(status: PodStatus, merge: boolean): void
  /** Every process of the pod has ended (its last status was reported before). */
  gone(): void
}

interface PodProcess {
  child: ChildProcess
  exited: Promise<void>
  killTimer?: NodeJS.Timeout
}

export const NODE_NAME = 'fake-node'
export const POD_IP = '127.0.0.1'

export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export class PodRunner {
  private readonly processes = new Map<string, PodProcess>()
  private readonly logs = new Map<string, string>()

  constructor(private readonly options: PodRunnerOptions) {}

  /** Starts the pod's first container; a pod it cannot run is reported Failed. */
  run(pod: StoredPod, reports: PodReports): void {
    const name = pod.metadata.name
    const container = pod.spec.containers[0]!
    const argv = [...(container.command ?? []), ...(container.args ?? [])]
    const fail = (reason: string, message: string): void =>
      reports.status({ phase: 'Failed', reason, message }, true)
    if (argv.length === 0) {
      fail('CreateContainerError', 'the fake runs only pods with a command')
      return
    }
    const env: Record<string, string> = {}
    const fields: Record<string, string> = {
      'metadata.name': name,
      'metadata.namespace': this.options.namespace,
      'metadata.uid': pod.metadata.uid,
      'status.podIP': POD_IP,
      'spec.nodeName': NODE_NAME,
      'spec.serviceAccountName':
        typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default',
    }
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value
      else if (e.valueFrom?.fieldRef) {
        const value = fields[e.valueFrom.fieldRef.fieldPath]
        if (value === undefined) {
          fail('CreateContainerConfigError', `unsupported fieldRef ${e.valueFrom.fieldRef.fieldPath}`)
          return
        }
        env[e.name] = value
      } else if (e.valueFrom) {
        fail('CreateContainerConfigError', `env ${e.name}: only value and fieldRef are supported here`)
        return
      } else env[e.name] = ''
    }
    const dir = mkdtempSync(join(tmpdir(), `fake-pod-${name.slice(0, 40)}-`))
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: this.options.root,
      env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // a process group of its own: the container's processes die together
    })
    const exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        rmSync(dir, { recursive: true, force: true })
        const proc = this.processes.get(name)
        if (proc?.killTimer) clearTimeout(proc.killTimer)
        this.processes.delete(name)
        const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)
        reports.status(
          {
            phase: exitCode === 0 ? 'Succeeded' : 'Failed',
            containerStatuses: [
              {
                name: container.name,
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode,
                    ...(signal ? { signal: signal === 'SIGKILL' ? 9 : 15 } : {}),
                    reason: exitCode === 0 ? 'Completed' : 'Error',
                    finishedAt: timestamp(),
                  },
                },
              },
            ],
          },
          true,
        )
        reports.gone()
        resolve()
      })
    })
    this.processes.set(name, { child, exited })
    const collect = (d: Buffer): void => {
      this.logs.set(name, (this.logs.get(name) ?? '') + d.toString('utf8'))
      if (this.options.echo) process.stderr.write(`[pod ${name}] ${d.toString('utf8')}`)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.once('error', (err) => {
      collect(Buffer.from(`${err.message}\n`))
    })
    child.once('spawn', () => {
      reports.status(
        {
          phase: 'Running',
          podIP: POD_IP,
          startTime: timestamp(),
          containerStatuses: [
            {
              name: container.name,
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: timestamp() } },
            },
          ],
        },
        false,
      )
    })
  }

  /**
   * SIGTERM to the pod's process group, SIGKILL after the grace period (at once when it
   * is 0). False when the pod has no process here (nothing to wait for).
   */
  terminate(name: string, graceSeconds: number): boolean {
    const proc = this.processes.get(name)
    if (!proc) return false
    if (graceSeconds === 0) {
      this.signal(proc, 'SIGKILL')
    } else {
      this.signal(proc, 'SIGTERM')
      proc.killTimer ??= setTimeout(() => this.signal(proc, 'SIGKILL'), graceSeconds * 1000)
    }
    return true
  }

  /** The pid of the pod's container process while it runs. */
  pidOf(name: string): number | undefined {
    const proc = this.processes.get(name)
    return proc && proc.child.exitCode === null && proc.child.signalCode === null ? proc.child.pid : undefined
  }

  /** The pod's machine dies (`kill -9` of its whole process group). */
  crash(name: string): void {
    const proc = this.processes.get(name)
    if (!proc) throw new Error(`pod ${name} has no running process`)
    this.signal(proc, 'SIGKILL')
  }

  /** What the pod's container printed (`kubectl logs`). */
  logsOf(name: string): string {
    return this.logs.get(name) ?? ''
  }

  /** SIGKILL to every pod's processes; resolves once they have all ended. */
  async close(): Promise<void> {
    for (const proc of this.processes.values()) this.signal(proc, 'SIGKILL')
    await Promise.all([...this.processes.values()].map((p) => p.exited))
  }

  private signal(proc: PodProcess, signal: NodeJS.Signals): void {
    const pid = proc.child.pid
    if (pid === undefined) return
    try {
      process.kill(-pid, signal)
    } catch {
      // already gone
    }
  }
}
