/**
 * Small tools the benchmarks share: percentiles, a `wps serve` child process, the CPU
 * time of a process tree (a runner and its Chromium included), and a test followed
 * over SSE from POST to its last event.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../src/cli/ports.ts'
import type { SpeedTest } from '../src/speedtest/model.ts'
import { startTest } from '../test/support/api.ts'
import { freshDataDir } from '../test/support/data-dir.ts'
import { readEvents, type SseEvent } from '../test/support/sse.ts'

export const WPS_BIN = fileURLToPath(new URL('../bin/wps.mjs', import.meta.url))

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

export const median = (values: number[]): number => percentile(values, 50)

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`

export interface ServeProcess {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts `wps serve` on a free port and resolves once it prints its URL. */
export async function startServe(env: Record<string, string> = {}): Promise<ServeProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [WPS_BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      WPS_ALLOW_PRIVATE: '1',
      WPS_RATE_LIMIT_PER_MIN: '100000',
      // Every fixture is on 127.0.0.1: a burst of tests would meet the per-host limit.
      WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
      WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
      WPS_DATA_DIR: freshDataDir('bench'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('serving http://')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`wps serve exited early with ${code}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

const CLOCK_TICKS = 100

/** /proc/PID/stat fields (after the command) of utime, stime; then cutime, cstime (reaped children). */
const OWN_TIME_FIELDS = [11, 12]
const WITH_REAPED_FIELDS = [11, 12, 13, 14]

/**
 * utime + stime (s) of a process and all its live descendants, from /proc. With `reaped`,
 * also cutime + cstime: the time of children already ended and reaped by one of them
 * (a browser's closed renderers).
 */
export function treeCpuSeconds(rootPid: number, options: { reaped?: boolean } = {}): number {
  const timeFields = options.reaped ? WITH_REAPED_FIELDS : OWN_TIME_FIELDS
  const parents = new Map<number, number>()
  const cpu = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      parents.set(Number(entry), Number(fields[1]))
      const ticks = timeFields.reduce((sum, i) => sum + Number(fields[i]), 0)
      cpu.set(Number(entry), ticks / CLOCK_TICKS)
    } catch {
      // the process ended while we read
    }
  }
  let total = 0
  for (const [pid, seconds] of cpu) {
    let p: number | undefined = pid
    while (p !== undefined && p > 1 && p !== rootPid) p = parents.get(p)
    if (p === rootPid) total += seconds
  }
  return total
}

export interface TimedTest {
  test: SpeedTest
  events: SseEvent[]
  /** ms from sending POST to the `done` event */
  wallMs: number
  /** ms from sending POST to each node's final row event */
  completeAtMs: Map<string, number>
  /** ms from sending POST to each node's first row with numbers (`final: false` before the late window) */
  firstNumbersAtMs: Map<string, number>
}

/** POSTs a test and follows it over SSE until done. */
export async function timeTest(base: string, body: { url: string; regions?: string[] }): Promise<TimedTest> {
  const t0 = performance.now()
  const { links } = await startTest(base, body)
  const sent = performance.now() - t0
  const events = await readEvents(`${base}${links.events}`, (e) => e.event === 'done', 300_000)
  const completeAtMs = new Map<string, number>()
  const firstNumbersAtMs = new Map<string, number>()
  for (const e of events) {
    const row = e.data as { node?: string; status?: string }
    if (e.event === 'region' && row.node && (row.status === 'complete' || row.status === 'error')) {
      completeAtMs.set(row.node, sent + e.at)
      if (!firstNumbersAtMs.has(row.node)) firstNumbersAtMs.set(row.node, sent + e.at)
    }
  }
  const done = events.at(-1)
  if (done?.event !== 'done') throw new Error('test ended without a done event')
  return { test: done.data as SpeedTest, events, wallMs: sent + done.at, completeAtMs, firstNumbersAtMs }
}
