/**
 * Whether a node stays responsive while its own browsers work: one `wps serve` (process
 * backend, a warm runner) measures `/rich` over and over, two tests at a time, and for
 * every row event its SSE client receives, arrival − the row's `updatedAt` (stamped by
 * the node when the row changed) is the row-event latency (target p99 ≤ 25 ms). It runs
 * twice, side by side: runners and their Chromium at the default WPS_RUNNER_NICE (10)
 * and at 0 (the node's own priority), so the figure shows what the priority buys.
 *
 * The same run reports memory: the node's RSS after the tests, and one runner's PSS
 * with its Chromium (the sum of /proc/PID/smaps_rollup `Pss` over the runner and its
 * descendants: shared pages are split among the processes sharing them).
 *
 *   npm run bench -- responsive
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { RegionResult } from '../src/speedtest/model.ts'
import { startFixtureSite } from '../test/fixtures/site.ts'
import { startTest } from '../test/support/api.ts'
import { readEvents } from '../test/support/sse.ts'
import { fmt, percentile, startServe } from './support.ts'

const TARGET_P99_MS = 25
const TARGET_RUNNER_PSS_MB = 400

/** The pid → parent pid table and each process's command line, from /proc. */
function processTable(): Map<number, { ppid: number; cmd: string; nice: number }> {
  const table = new Map<number, { ppid: number; cmd: string; nice: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')
      table.set(Number(entry), { ppid: Number(fields[1]), cmd, nice: Number(fields[16]) })
    } catch {
      // ended while we read
    }
  }
  return table
}

function descendants(root: number, table: ReturnType<typeof processTable>): number[] {
  const out: number[] = []
  const walk = (pid: number): void => {
    for (const [child, info] of table) {
      if (info.ppid === pid) {
        out.push(child)
        walk(child)
      }
    }
  }
  walk(root)
  return out
}

/** kB of a /proc/PID/status or smaps_rollup field, 0 when the process is gone. */
function procKb(path: string, field: string): number {
  try {
    const line = readFileSync(path, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`))
    return line ? Number(line.split(/\s+/)[1]) : 0
  } catch {
    return 0
  }
}

export interface ResponsiveFigures {
  p50Ms: number
  p99Ms: number
  events: number
  nodeRssMb: number
  runnerPssMb: number
  runnerNice: number | null
  chromiumNice: number | null
}

async function oneSetting(nice: string, tests: number): Promise<ResponsiveFigures> {
  const site = await startFixtureSite()
  const server = await startServe({ WPS_POOL_MIN: '1', WPS_LATE_WINDOW_MS: '0', WPS_RUNNER_NICE: nice })
  try {
    const url = `${site.url}/rich`
    const latencies: number[] = []
    const follow = async (): Promise<void> => {
      const { links } = await startTest(server.url, { url })
      const subscribedAt = Date.now()
      const events = await readEvents(`${server.url}${links.events}`, (e) => e.event === 'done', 120_000)
      for (const event of events) {
        if (event.event === 'done') {
          const rows = (event.data as { results: RegionResult[] }).results
          if (rows.some((r) => r.status !== 'complete'))
            throw new Error(`a row failed: ${JSON.stringify(rows)}`)
        }
        if (event.event !== 'region') continue
        const row = event.data as RegionResult
        // replays of the state before we subscribed, and `starting` rows, are not live events
        if (row.updatedAt === undefined || row.updatedAt < subscribedAt) continue
        latencies.push(subscribedAt + event.at - row.updatedAt)
      }
    }
    await follow() // warm the runner and its browser
    latencies.length = 0
    const lane = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) await follow()
    }
    await Promise.all([lane(Math.ceil(tests / 2)), lane(Math.floor(tests / 2))])

    const table = processTable()
    const serverPid = server.child.pid as number
    const runner = descendants(serverPid, table).find((pid) => table.get(pid)?.cmd.includes(' runner'))
    const runnerTree = runner === undefined ? [] : [runner, ...descendants(runner, table)]
    const chromium = runnerTree.find((pid) => /chrom/i.test(table.get(pid)?.cmd ?? ''))
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      events: latencies.length,
      nodeRssMb: procKb(`/proc/${serverPid}/status`, 'VmRSS') / 1024,
      runnerPssMb:
        runnerTree.reduce((sum, pid) => sum + procKb(`/proc/${pid}/smaps_rollup`, 'Pss'), 0) / 1024,
      runnerNice: runner === undefined ? null : (table.get(runner)?.nice ?? null),
      chromiumNice: chromium === undefined ? null : (table.get(chromium)?.nice ?? null),
    }
  } finally {
    await server.stop()
    await site.close()
  }
}

export async function benchResponsive(tests = 16): Promise<Record<string, ResponsiveFigures>> {
  const lowered = await oneSetting('10', tests)
  const same = await oneSetting('0', tests)
  console.log(`\n## Responsive node (wps serve, process backend, ${tests} tests of /rich two at a time)`)
  console.log('row event latency, row changed on the node → SSE arrival at the client')
  for (const [label, f] of [
    ['WPS_RUNNER_NICE=10 (default)', lowered],
    ['WPS_RUNNER_NICE=0           ', same],
  ] as const) {
    console.log(
      `  ${label}  p50 ${fmt(f.p50Ms)}   p99 ${fmt(f.p99Ms)}   target p99 ≤ ${TARGET_P99_MS} ms: ${f.p99Ms <= TARGET_P99_MS ? 'met' : 'NOT met'}   (${f.events} events; niceness runner ${f.runnerNice ?? '?'}, chromium ${f.chromiumNice ?? '?'})`,
    )
  }
  console.log(
    `node RSS after ${tests + 1} tests: ${lowered.nodeRssMb.toFixed(0)} MB (see the memory section for 1000 tests)`,
  )
  console.log(
    `one runner's PSS with its Chromium: ${lowered.runnerPssMb.toFixed(0)} MB   target ≤ ${TARGET_RUNNER_PSS_MB} MB: ${lowered.runnerPssMb <= TARGET_RUNNER_PSS_MB ? 'met' : 'NOT met'}`,
  )
  return { lowered, same }
}
