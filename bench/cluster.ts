/**
 * What the cluster adds, on a real nats-server with three `wps serve` nodes (ord, fra,
 * syd; no emulated latency) on this machine:
 *
 * (a) event latency: for every SSE `region` event the client receives from the
 *     requesting node, arrival time − the row's `updatedAt` (when the measuring node
 *     produced it), split into rows measured on the requesting node itself and rows
 *     that crossed NATS from another node;
 * (b) a three-region test over a one-region test of the same page (`/rich`): median
 *     wall time POST → `done`, and the ratio. Three pages load at once on 2 cores, so
 *     most of the difference is CPU contention, not the cluster.
 *
 *   npm run bench -- cluster
 */
import type { RegionResult } from '../src/speedtest/model.ts'
import { startNatsServer } from '../test/cluster/nats-server.ts'
import { startFixtureSite } from '../test/fixtures/site.ts'
import { startTest } from '../test/support/api.ts'
import { readEvents } from '../test/support/sse.ts'
import { fmt, median, percentile, type ServeProcess, startServe } from './support.ts'

const REGIONS = ['ord', 'fra', 'syd']

interface Followed {
  wallMs: number
  /** row events made before we subscribed: replays of the current state, not timed */
  replayed: number
  /** arrival (epoch ms) − updatedAt, per live row event, by where the row was measured */
  local: number[]
  remote: number[]
}

/** POST a test and follow it to `done`, timing every row event against the row's `updatedAt`. */
async function follow(
  base: string,
  selfNode: string,
  body: { url: string; regions?: string[] },
): Promise<Followed> {
  const t0 = performance.now()
  const { links } = await startTest(base, body)
  // readEvents stamps each event relative to its own start, taken right after this line;
  // updatedAt is another process's Date.now(), so this side's clock is Date.now() too.
  const subscribedAt = Date.now()
  const events = await readEvents(`${base}${links.events}`, (e) => e.event === 'done', 120_000)
  const wallMs = performance.now() - t0
  const local: number[] = []
  const remote: number[] = []
  let replayed = 0
  for (const event of events) {
    if (event.event === 'done') {
      const failed = (event.data as { results: RegionResult[] }).results.filter(
        (r) => r.status !== 'complete',
      )
      if (failed.length > 0)
        throw new Error(`rows did not complete: ${JSON.stringify(failed.map((r) => r.error))}`)
      continue
    }
    if (event.event !== 'region') continue
    const row = event.data as RegionResult
    // `starting` rows are made by the requester before any node speaks: nothing to time.
    if (row.updatedAt === undefined) continue
    // A row version made before we subscribed is a replay of the current state, not a live event.
    if (row.updatedAt < subscribedAt) {
      replayed++
      continue
    }
    const latency = subscribedAt + event.at - row.updatedAt
    ;(row.node === selfNode ? local : remote).push(latency)
  }
  return { wallMs, replayed, local, remote }
}

async function nodeIdOf(server: ServeProcess): Promise<string> {
  const health = (await (await fetch(`${server.url}/healthz`)).json()) as { node: string }
  return health.node
}

export async function benchCluster(runs = 8): Promise<Record<string, number>> {
  const site = await startFixtureSite()
  const nats = await startNatsServer()
  const servers: ServeProcess[] = []
  try {
    servers.push(
      ...(await Promise.all(
        REGIONS.map((region) => startServe({ WPS_REGION: region, NATS_URL: nats.url, WPS_POOL_MIN: '1' })),
      )),
    )
    const requester = servers[0] as ServeProcess
    const self = await nodeIdOf(requester)
    const deadline = Date.now() + 10_000
    while (
      ((await (await fetch(`${requester.url}/api/regions`)).json()) as unknown[]).length < REGIONS.length
    ) {
      if (Date.now() > deadline) throw new Error('the nodes did not find each other within 10 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    const url = `${site.url}/rich`
    for (let i = 0; i < 2; i++) await follow(requester.url, self, { url }) // warm every pool

    const one: number[] = []
    const three: number[] = []
    const local: number[] = []
    const remote: number[] = []
    let replayed = 0
    // Interleaved, so drift in the machine's load falls on both alike.
    for (let i = 0; i < runs; i++) {
      const single = await follow(requester.url, self, { url, regions: [REGIONS[0] as string] })
      const all = await follow(requester.url, self, { url })
      one.push(single.wallMs)
      three.push(all.wallMs)
      for (const f of [single, all]) {
        local.push(...f.local)
        remote.push(...f.remote)
        replayed += f.replayed
      }
    }

    const figures = {
      localEventP50Ms: percentile(local, 50),
      localEventP99Ms: percentile(local, 99),
      remoteEventP50Ms: percentile(remote, 50),
      remoteEventP99Ms: percentile(remote, 99),
      oneRegionMedianMs: median(one),
      threeRegionMedianMs: median(three),
      threeOverOne: median(three) / median(one),
    }
    console.log(
      `\n## Cluster (nats-server + ${REGIONS.length} nodes on one machine, ${runs} tests of /rich each)`,
    )
    console.log(`row event latency, produced → client (updatedAt → SSE arrival at the client)`)
    console.log(
      `  measured on the requesting node   p50 ${fmt(figures.localEventP50Ms)}   p99 ${fmt(figures.localEventP99Ms)}   (${local.length} events)`,
    )
    console.log(
      `  measured on another node (NATS)   p50 ${fmt(figures.remoteEventP50Ms)}   p99 ${fmt(figures.remoteEventP99Ms)}   (${remote.length} events)`,
    )
    console.log(`  (${replayed} row events made before the client subscribed were replays, not timed)`)
    console.log(`one-region test, POST → done (median)     ${fmt(figures.oneRegionMedianMs)}`)
    console.log(`three-region test, POST → done (median)   ${fmt(figures.threeRegionMedianMs)}`)
    console.log(
      `three over one                            ${figures.threeOverOne.toFixed(2)}×   (the ${REGIONS.length} nodes share one machine, so their loads take turns: WPS_MACHINE_BUDGET)`,
    )
    return figures
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
    await nats.stop()
    await site.close()
  }
}
