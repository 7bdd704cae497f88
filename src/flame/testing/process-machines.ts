/**
 * "Machines" that are local processes started the way a cloud starts a machine: the
 * runner command with exactly the environment the backend asked for (plus `PATH`,
 * `HOME` and a `TMPDIR` of its own), no IPC channel, no inherited files, stdout
 * discarded. With `MachineBackend` this runs the whole network link — dial-out over
 * NATS, token, heartbeats, chunking — on one computer, for the conformance suite.
 *
 *   const machines = new ProcessMachines({ command: process.execPath, args: ['--import', 'tsx', 'runner.ts'] })
 *   const backend = new MachineBackend({ name: 'net-process', link, machines })
 *   machines.pidOf('m-1')   // what a test kills with SIGKILL
 *
 * `destroy` is SIGKILL (idempotent: a machine already gone is destroyed).
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MachineRequest, Machines } from '../backends/machine.ts'

export interface ProcessMachine {
  id: string
  runnerId: string
  pid: number
}

export interface ProcessMachinesOptions {
  command: string
  args: string[]
  cwd?: string
  /** Where the runner's stderr goes. Default: this process's stderr. */
  stderr?: 'inherit' | 'ignore'
}

export class ProcessMachines implements Machines<ProcessMachine> {
  private seq = 0
  private readonly children = new Map<string, ChildProcess>()
  /** Every create request, for tests to inspect. */
  readonly created: MachineRequest[] = []
  destroyed = 0

  constructor(private readonly options: ProcessMachinesOptions) {}

  async create(request: MachineRequest): Promise<ProcessMachine> {
    request.signal.throwIfAborted()
    this.created.push(request)
    const id = `m-${++this.seq}`
    const tmp = mkdtempSync(join(tmpdir(), `flame-machine-${id}-`))
    const env: Record<string, string> = { ...request.env, TMPDIR: tmp }
    for (const name of ['PATH', 'HOME'] as const) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.cwd,
      env,
      stdio: ['ignore', 'ignore', this.options.stderr ?? 'inherit'],
    })
    child.once('exit', () => {
      this.children.delete(id)
      rmSync(tmp, { recursive: true, force: true })
    })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
    this.children.set(id, child)
    return { id, runnerId: request.runnerId, pid: child.pid ?? 0 }
  }

  async destroy(machine: ProcessMachine): Promise<void> {
    const child = this.children.get(machine.id)
    if (!child) return
    this.destroyed++
    const gone = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await gone
  }

  /** Machines still running. */
  get running(): number {
    return this.children.size
  }

  pidOf(runnerId: string): number | undefined {
    for (const [id, child] of this.children) {
      if (this.created[Number(id.slice(2)) - 1]?.runnerId === runnerId) return child.pid
    }
    return undefined
  }
}
