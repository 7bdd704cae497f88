/**
 * Whether a node stays responsive under a bounded flood (the fault suite's timing
 * figure; test/server/flood.test.ts asserts only correctness): one `wps serve` process,
 * `/healthz` round trips timed idle, then while 300 SSE clients follow one test and a
 * burst of 200 starts from one client is refused by the rate limit. Target: `/healthz`
 * p99 under 50 ms during the flood. The clients run in this process, so its own load
 * is in the figure too: a node alone does better. Returns what it prints:
 * `sseClientsReachedDone`, `burstRefused`, `healthzIdle.p99Ms`, `healthzDuringFlood.p99Ms`, …
 *
 *   npm run bench -- flood
 */
import { FACTS, startFixtureSite } from '../test/fixtures/site.ts'
import { startTest } from '../test/support/api.ts'
import { readEvents } from '../test/support/sse.ts'
import { fmt, percentile, startServe } from './support.ts'

const SSE_CLIENTS = 300
const BURST = 200
const TARGET_P99_MS = 50

async function healthOnce(base: string): Promise<number> {
  const t0 = performance.now()
  const answer = await fetch(`${base}/healthz`)
  await answer.arrayBuffer()
  if (answer.status !== 200) throw new Error(`/healthz answered ${answer.status}`)
  return performance.now() - t0
}

interface Latencies {
  p50Ms: number
  p99Ms: number
  samples: number
}

export interface FloodFigures {
  sseClients: number
  sseClientsReachedDone: number
  burstStarts: number
  burstAdmitted: number
  burstRefused: number
  healthzIdle: Latencies
  healthzDuringFlood: Latencies
}

const latencies = (times: number[]): Latencies => ({
  p50Ms: percentile(times, 50),
  p99Ms: percentile(times, 99),
  samples: times.length,
})

export async function benchFlood(): Promise<FloodFigures> {
  const site = await startFixtureSite()
  const server = await startServe({
    WPS_POOL_BACKEND: 'local',
    WPS_NAV_TIMEOUT_MS: '8000',
    WPS_RATE_LIMIT_PER_MIN: '20',
    WPS_RATE_LIMIT_PER_HOST_PER_MIN: '10',
  })
  try {
    const idle: number[] = []
    for (let i = 0; i < 200; i++) idle.push(await healthOnce(server.url))

    // A page whose load never fires: the test lasts the navigation timeout while the flood runs.
    const { links } = await startTest(server.url, { url: `${site.url}${FACTS.never.path}` })
    const streams = Array.from({ length: SSE_CLIENTS }, () =>
      readEvents(`${server.url}${links.events}`, (e) => e.event === 'done', 60_000),
    )
    const burst = Promise.all(
      Array.from({ length: BURST }, () =>
        fetch(`${server.url}/api/tests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${site.url}/` }),
        }).then(async (answer) => {
          await answer.arrayBuffer()
          return answer.status
        }),
      ),
    )
    const during: number[] = []
    let flooding = true
    const probe = (async () => {
      while (flooding) {
        during.push(await healthOnce(server.url))
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const [received, statuses] = await Promise.all([Promise.all(streams), burst])
    flooding = false
    await probe

    const reachedDone = received.filter((events) => events.at(-1)?.event === 'done').length
    const refused = statuses.filter((status) => status === 429).length
    const figures: FloodFigures = {
      sseClients: SSE_CLIENTS,
      sseClientsReachedDone: reachedDone,
      burstStarts: BURST,
      burstAdmitted: BURST - refused,
      burstRefused: refused,
      healthzIdle: latencies(idle),
      healthzDuringFlood: latencies(during),
    }
    const { healthzIdle: idleAt, healthzDuringFlood: floodAt } = figures
    console.log('\n== flood: one node, 300 SSE clients and a burst of starts')
    console.log(`SSE clients that reached done: ${reachedDone} of ${SSE_CLIENTS}`)
    console.log(
      `burst of ${BURST} starts from one client: ${BURST - refused} admitted, ${refused} refused (429) ` +
        '(per client 20/min, per host 10/min with the followed test counted)',
    )
    console.log(
      `/healthz idle: p50 ${fmt(idleAt.p50Ms)}, p99 ${fmt(idleAt.p99Ms)} (${idleAt.samples} samples)`,
    )
    console.log(
      `/healthz during the flood: p50 ${fmt(floodAt.p50Ms)}, p99 ${fmt(floodAt.p99Ms)} (${floodAt.samples} samples); ` +
        `target p99 < ${TARGET_P99_MS} ms: ${floodAt.p99Ms < TARGET_P99_MS ? 'met' : 'NOT met'}`,
    )
    return figures
  } finally {
    await server.stop()
    await site.close()
  }
}
