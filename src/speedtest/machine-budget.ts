/**
 * How many page loads this machine runs at once, across every process on it. One cold
 * load keeps two cores busy for about half a second, and loads that share a machine
 * slow each other down (measured: 2.3× at four on two cores; docs/architecture.md), which would falsify the
 * very numbers we report. A node's pool already queues its own work; this budget also
 * covers what one pool cannot see: several nodes on one machine (`wps dev`), or
 * runners of several pools.
 *
 * A slot is a lock file holding its owner's pid; a slot whose owner has died (even by
 * kill -9) is taken over, so a crash cannot leak the budget.
 *
 * Waiters line up first come, first served: each writes a ticket (`wait-<ms>-<seq>-<pid>-…`,
 * names sort by arrival) and only the first `slots` tickets may claim a slot, so a
 * waiter can be told where it stands — its position, 1 for the next in, 2 with one more
 * waiter before it — and no late arrival overtakes it. Tickets of dead processes are
 * swept away like their slots.
 *
 *   const budget = new MachineBudget({ slots: machineLoadBudget() })
 *   const release = await budget.acquire(signal, (n) => say(`queued, ${n} ahead`))   // waits while the machine is busy
 *   try { await measure() } finally { release() }
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** One page load per two cores, at least one. */
export function machineLoadBudget(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2))
}

export interface MachineBudgetOptions {
  slots: number
  /** Where the slot files live; every process sharing the budget must use the same folder. */
  dir?: string
  pollMs?: number
}

export const DEFAULT_BUDGET_DIR = join(tmpdir(), 'wps-machine-budget')

const TICKET = 'wait-'
/** Orders this process's tickets made in the same millisecond. */
let ticketSeq = 0

export class MachineBudget {
  readonly slots: number
  readonly #dir: string
  readonly #pollMs: number

  constructor(options: MachineBudgetOptions) {
    this.slots = options.slots
    this.#dir = options.dir ?? DEFAULT_BUDGET_DIR
    this.#pollMs = options.pollMs ?? 10
    mkdirSync(this.#dir, { recursive: true })
  }

  /**
   * Resolves with a release function once a slot is ours; rejects if the signal aborts
   * first. While it waits, `onWait` hears its position in line each time that changes.
   */
  async acquire(signal?: AbortSignal, onWait?: (position: number) => void): Promise<() => void> {
    const owner = `${process.pid}:${randomUUID()}`
    const ticket = `${TICKET}${String(Date.now()).padStart(15, '0')}-${String(++ticketSeq).padStart(9, '0')}-${process.pid}-${randomUUID().slice(0, 8)}`
    const ticketPath = join(this.#dir, ticket)
    writeFileSync(ticketPath, owner)
    let told = 0
    try {
      for (;;) {
        signal?.throwIfAborted()
        const ahead = this.#waitersAhead(ticket)
        if (ahead < this.slots) {
          for (let slot = 0; slot < this.slots; slot++) {
            const path = join(this.#dir, `slot-${slot}`)
            if (this.#claim(path, owner)) return () => release(path, owner)
          }
        }
        if (ahead + 1 !== told) {
          told = ahead + 1
          onWait?.(told)
        }
        await sleep(this.#pollMs, undefined, signal ? { signal } : {}).catch(() => signal?.throwIfAborted())
      }
    } finally {
      try {
        unlinkSync(ticketPath)
      } catch {}
    }
  }

  /** Live waiters whose tickets came before ours; those of dead processes are removed. */
  #waitersAhead(ticket: string): number {
    let ahead = 0
    for (const name of readdirSync(this.#dir)) {
      if (!name.startsWith(TICKET) || name >= ticket) continue
      if (isAlive(Number(name.split('-')[3]))) ahead++
      else
        try {
          unlinkSync(join(this.#dir, name))
        } catch {}
    }
    return ahead
  }

  /** A slot at once, or null when every slot is taken: for work that may as well be done later. */
  tryAcquire(): (() => void) | null {
    // Never ahead of a waiter in line: a free slot is theirs.
    if (this.#waitersAhead(`${TICKET}~`) > 0) return null
    const owner = `${process.pid}:${randomUUID()}`
    for (let slot = 0; slot < this.slots; slot++) {
      const path = join(this.#dir, `slot-${slot}`)
      if (this.#claim(path, owner)) return () => release(path, owner)
    }
    return null
  }

  #claim(path: string, owner: string): boolean {
    try {
      writeFileSync(path, owner, { flag: 'wx' })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = readOwner(path)
    if (holder !== null && !isAlive(Number(holder.split(':')[0]))) {
      // The holder died without releasing: free the slot; the next round may claim it.
      try {
        if (readOwner(path) === holder) unlinkSync(path)
      } catch {}
    }
    return false
  }
}

function readOwner(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function release(path: string, owner: string): void {
  try {
    if (readOwner(path) === owner) unlinkSync(path)
  } catch {}
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
