/**
 * A no-browser stand-in for the `timedNav` task, for benchmarks of everything around the
 * browser: the orchestration, the cluster and the pool. A runner given this registry
 * (LocalBackend `tasks`) answers `pool.call(timedNav, …)` by name as a real runner
 * would — the same `browser` and `loading` messages, then a plausible measurement of a
 * 12-request page — after no work, so what a benchmark measures is the control plane.
 *
 *   const backend = new LocalBackend({ tasks: simulatedTasks() })
 *   serveMeasurements(cluster, { pool: new Pool({ name: 'browser', backend, max: 1 }), … })
 */
import type { Task, TaskContext, TaskRegistry } from '@world-page-speed/flame'
import type { Measurement, RequestEntry } from '../src/browser/types.ts'
import type { TimedNavInput, TimedNavMessage } from '../src/speedtest/timed-nav.ts'
import { timedNav } from '../src/speedtest/timed-nav.ts'

/** What a small real page measures at (the fixture site's `/rich` is about this). */
function measurementOf(url: string): Measurement {
  const origin = new URL(url).origin
  const entries: RequestEntry[] = Array.from({ length: 12 }, (_v, i) => ({
    url: i === 0 ? url : `${origin}/asset-${i}.${i % 3 === 0 ? 'css' : i % 3 === 1 ? 'js' : 'png'}`,
    type: i === 0 ? 'document' : i % 3 === 0 ? 'stylesheet' : i % 3 === 1 ? 'script' : 'image',
    status: 200,
    start: i === 0 ? 0 : 40 + i * 3,
    end: i === 0 ? 35 : 60 + i * 5,
    bytes: i === 0 ? 4_200 : 1_500 + i * 700,
    method: 'GET',
    protocol: 'http/1.1',
    mimeType: i === 0 ? 'text/html' : 'application/octet-stream',
  }))
  return {
    httpStatus: 200,
    finalUrl: url,
    metrics: { ttfb: 12, fcp: 80, lcp: 120, cls: 0, tbt: 0, domContentLoaded: 95, load: 140 },
    requests: entries.length,
    transferBytes: entries.reduce((sum, e) => sum + e.bytes, 0),
    entries,
    startedAt: Date.now(),
    error: null,
  }
}

const simulatedNav: Task = {
  name: timedNav.name,
  run: async (input: unknown, ctx: TaskContext): Promise<Measurement> => {
    const { url } = input as TimedNavInput
    const browser = await ctx.resource(
      'browser',
      async () => ({}),
      async () => {},
    )
    ctx.send({ type: 'browser', cold: browser.created, launchMs: 0 } satisfies TimedNavMessage)
    ctx.send({ type: 'loading' } satisfies TimedNavMessage)
    return measurementOf(url)
  },
}

/** A task registry in which `timedNav` is the simulation. */
export function simulatedTasks(): TaskRegistry {
  return new Map([[simulatedNav.name, simulatedNav]])
}
