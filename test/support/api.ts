/**
 * The HTTP API of a node as the multi-region tests use it: who is in the cluster,
 * start a test, follow it over SSE to `done` — every wait bounded, so a test that
 * breaks fails instead of hanging.
 *
 *   await waitUntil(async () => (await regionsOf(ord.url)).length === 3, 5000, 'ord sees 3 nodes')
 *   const run = await runTest(ord.url, { url: `${site.url}/rich` })
 *   run.test.results   // final rows; run.events: every SSE event, in order
 */
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { readEvents, type SseEvent } from '../support/sse.ts'

export interface RegionEntry {
  region: string
  node: string
  city?: string
  country?: string
  lat?: number
  lon?: number
}

export async function regionsOf(base: string): Promise<RegionEntry[]> {
  const response = await fetch(`${base}/api/regions`, { signal: AbortSignal.timeout(5000) })
  if (!response.ok) throw new Error(`GET /api/regions → ${response.status}`)
  return (await response.json()) as RegionEntry[]
}

/** Nodes a member lists, sorted; an unreachable node lists nobody. */
export async function nodesSeenBy(base: string): Promise<string[]> {
  return regionsOf(base).then(
    (list) => list.map((entry) => entry.node).sort(),
    () => [],
  )
}

/** Polls `check` every 50 ms; resolves with the ms it took, rejects after `withinMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  withinMs: number,
  what: string,
): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (await check()) return performance.now() - start
    if (performance.now() - start > withinMs) throw new Error(`timed out after ${withinMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export interface Started {
  id: string
  url: string
  regions: string[]
  links: { self: string; events: string; page: string }
}

export async function postTest(
  base: string,
  body: { url: string; regions?: string[]; runs?: number; lighthouse?: boolean },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: response.status, body: await response.json() }
}

/** POSTs a test and returns its links; throws with the server's answer unless it is 201. */
export async function startTest(
  base: string,
  body: { url: string; regions?: string[]; runs?: number; lighthouse?: boolean },
): Promise<Started> {
  const answer = await postTest(base, body)
  if (answer.status !== 201)
    throw new Error(`POST /api/tests → ${answer.status} ${JSON.stringify(answer.body)}`)
  return answer.body as Started
}

export interface FollowedTest {
  started: Started
  events: SseEvent[]
  /** The `done` event's test. */
  test: SpeedTest
  /** The rows as they arrived, in order. */
  rows: RegionResult[]
}

/**
 * Starts a test and follows its events to `done` (or fails after `timeoutMs`).
 * `onRow` sees each row event as it arrives, e.g. to kill a node mid-test.
 */
export async function runTest(
  base: string,
  body: { url: string; regions?: string[]; runs?: number; lighthouse?: boolean },
  options: { timeoutMs?: number; onRow?: (row: RegionResult) => void } = {},
): Promise<FollowedTest> {
  const started = await startTest(base, body)
  const events = await readEvents(
    `${base}${started.links.events}`,
    (event) => {
      if (event.event === 'region') options.onRow?.(event.data as RegionResult)
      return event.event === 'done'
    },
    options.timeoutMs ?? 60_000,
  )
  const done = events.at(-1)
  if (done?.event !== 'done')
    throw new Error(`the event stream ended without done: ${JSON.stringify(events)}`)
  const rows = events.filter((event) => event.event === 'region').map((event) => event.data as RegionResult)
  return { started, events, test: done.data as SpeedTest, rows }
}

/** One line per row, for assertion messages. */
export const describeRows = (rows: RegionResult[]): string =>
  rows
    .map(
      (row) =>
        `${row.region}/${row.node}: ${row.status}${row.error ? ` ${row.error.code} (${row.error.message})` : ''} requests=${row.requests} ttfb=${row.metrics.ttfb}`,
    )
    .join('\n')
