/**
 * Tasks the conformance suite runs on every backend. Imported by the test process
 * (LocalBackend runs them in-process) and by `runner-fixture.ts` (ProcessBackend runs
 * them in a child), exactly as an app's runner imports its task modules.
 */

import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { getPriority, setPriority, tmpdir } from 'node:os'
import { setTimeout as delay } from 'node:timers/promises'
import { FlameError } from '../errors.ts'
import { defineTask } from '../task.ts'

/** Per-runner-process memory the tests read back through other tasks. */
const observed = new Map<string, string>()
const records = new Map<string, unknown>()

export const noop = defineTask('flame-test.noop', async () => null)

export const echo = defineTask('flame-test.echo', async (input: unknown) => input)

/** Tries to take back one step of CPU priority, as Chromium does for its display threads. */
export const raisePriority = defineTask('flame-test.raisePriority', async () => {
  const before = getPriority()
  try {
    setPriority(before - 1)
  } catch {
    // not allowed: the niceness stays
  }
  return { before, after: getPriority() }
})

export const whoami = defineTask('flame-test.whoami', async (_: null, ctx) => ({
  runnerId: ctx.runnerId,
  pid: process.pid,
}))

/** Says 'started', then sleeps `ms`, honouring its signal. */
export const sleep = defineTask('flame-test.sleep', async ({ ms }: { ms: number }, ctx) => {
  ctx.send('started')
  await delay(ms, undefined, { signal: ctx.signal })
  return ctx.runnerId
})

export const boom = defineTask(
  'flame-test.boom',
  async function explodeOnRunner({ message }: { message: string }) {
    const err = new Error(message) as Error & { code?: string }
    err.code = 'E_BOOM'
    throw err
  },
)

/** Sends 0..n-1, then returns n. */
export const count = defineTask('flame-test.count', async ({ n }: { n: number }, ctx) => {
  for (let i = 0; i < n; i++) ctx.send(i)
  return n
})

/** Says 'started', waits for its signal, remembers why it was aborted under `key`. */
export const waitForAbort = defineTask('flame-test.waitForAbort', async ({ key }: { key: string }, ctx) => {
  ctx.send('started')
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
  const reason = ctx.signal.reason
  observed.set(key, reason instanceof FlameError ? reason.code : String(reason))
  throw reason
})

export const observedAbort = defineTask('flame-test.observedAbort', async ({ key }: { key: string }) => {
  return observed.get(key) ?? null
})

/** Says 'started', then ignores its signal for `ms`. */
export const ignoreSignal = defineTask('flame-test.ignoreSignal', async ({ ms }: { ms: number }, ctx) => {
  ctx.send('started')
  await delay(ms)
  return 'finished anyway'
})

export const record = defineTask(
  'flame-test.record',
  async ({ key, value }: { key: string; value: unknown }) => {
    records.set(key, value)
    return null
  },
)

export const readRecord = defineTask('flame-test.readRecord', async ({ key }: { key: string }) => {
  return records.get(key) ?? null
})

/**
 * Uses the runner-wide resource "thing", created once per runner; creation and disposal
 * are appended to the `marker` file so a test can see them from outside the runner.
 */
export const useResource = defineTask(
  'flame-test.useResource',
  async ({ marker }: { marker: string }, ctx) => {
    const runnerId = ctx.runnerId
    const r = await ctx.resource(
      'thing',
      async () => {
        await delay(20)
        appendFileSync(marker, `created ${runnerId}\n`)
        return { id: randomUUID(), runnerId }
      },
      async (value) => {
        await delay(10)
        appendFileSync(marker, `disposed ${value.runnerId}\n`)
      },
    )
    return { id: r.value.id, created: r.created, ms: r.ms, pid: process.pid }
  },
)

/** Returns something structured clone can carry but JSON cannot. */
export const structured = defineTask('flame-test.structured', async () => ({
  when: new Date(0),
  map: new Map([['a', 1]]),
  bytes: new Uint8Array([1, 2, 3]),
}))

/** What the runner inherited: an IPC channel?, its temp folder, the names in its environment. */
export const environment = defineTask('flame-test.environment', async () => ({
  ipc: typeof process.send === 'function',
  tmpdir: tmpdir(),
  env: Object.keys(process.env).sort(),
  pid: process.pid,
}))

/** Returns `size` bytes, to carry more than one NATS payload. */
export const bigResult = defineTask(
  'flame-test.bigResult',
  async ({ size, seed }: { size: number; seed: number }) => {
    const bytes = new Uint8Array(size)
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff
    return bytes
  },
)

export const unsendable = defineTask('flame-test.unsendable', async () => ({ fn: () => 1 }) as unknown)
