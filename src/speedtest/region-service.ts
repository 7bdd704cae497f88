/**
 * The region side of a test: this node's answer to `measure`. It runs the timed
 * navigation on the node's own browser pool — so runners boot in this node's region —
 * and turns what the pool and the browser report into row updates for the requester:
 * `queued` with its `queuePosition` while it waits for a free browser (behind the pool's
 * busy runners, or for the machine's load budget on the runner), `starting` while a runner
 * or its browser boots, `loading` once the page is requested,
 * then the row with numbers or an error in words. With a late window
 * (`lateWindowMs`, WPS_LATE_WINDOW_MS) the first numbers, at `load` + settle, arrive as a
 * `complete` row with `final: false`, and the same row comes again with `final: true`
 * once the late window has ended, late shifts, long tasks and LCP included. With repeat
 * runs the page is loaded `runs` times and the row reports the median run
 * (median-run.ts); only the final row is sent then, as a median of first numbers would
 * not be any run's. With `repeatView` each run also loads the page a second time, warm
 * cache, and the row carries that view's numbers as `repeatView`. The final row takes the
 * raw gathered data of its numbers along (`gathered`, gathered-artifact.ts), for the store.
 * With `lighthouse` in the request, a Lighthouse audit follows the measurement as the
 * row's own step (lighthouse-step.ts): the row with its numbers, `final: false`, then the
 * final row with the score.
 *
 *   serveMeasurements(cluster, {
 *     pool, navTimeoutMs: 30_000, queueTimeoutMs: 120_000, machineSlots: 1,
 *     egress: { allowPrivate: false, latencyMs: 0 },   // enforced by the runner (egress.ts)
 *   })
 *
 * An `observer` (measurement-observer.ts) hears how each page load queued, booted and
 * ended: the node's Prometheus metrics are fed from it.
 */

import { FlameError, type Pool } from '@world-page-speed/flame'
import type { Measurement } from '../browser/types.ts'
import type { Cluster } from '../cluster/types.ts'
import { type Connectivity, connectivityProfile, withConnectivity } from './connectivity.ts'
import { loadCallTimeoutMs } from './deadlines.ts'
import type { EgressPolicy } from './egress.ts'
import { packGathered } from './gathered-artifact.ts'
import { LIGHTHOUSE_TIMEOUT_MS, lighthouseStep } from './lighthouse-step.ts'
import { type MeasurementObserver, type ObservedRun, observeRuns } from './measurement-observer.ts'
import { pickMedianRun } from './median-run.ts'
import { MEASURE_METHOD, type MeasureRequest, parseMeasureRequest, type RegionUpdate } from './protocol.ts'
import { repeatViewResult } from './repeat-view.ts'
import { encodeRowUpdate } from './row-size.ts'
import { parseTimedNavMessage, timedNav } from './timed-nav.ts'
import { visualFields } from './visual-artifacts.ts'

export interface RegionServiceOptions {
  pool: Pool
  observer?: MeasurementObserver
  navTimeoutMs: number
  /** How long after `load` a page is still watched for late numbers (0: the first numbers are final). */
  lateWindowMs?: number
  /** How long a measurement may wait for a free runner before it gives up. */
  queueTimeoutMs: number
  /** What the runners' egress proxy lets through, and the latency it adds. */
  egress: EgressPolicy
  /** Page loads at once on this machine, across all processes (0 = no machine-wide limit). */
  machineSlots: number
  /** The limit of one Lighthouse audit, for tests that ask for one (WPS_LIGHTHOUSE_TIMEOUT_MS). */
  lighthouseTimeoutMs?: number
}

export function serveMeasurements(cluster: Cluster, options: RegionServiceOptions): void {
  const runs = observeRuns(options.observer, cluster.self.region)
  cluster.serve(MEASURE_METHOD, async (payload, emitToOwner, signal) => {
    // Every update crosses the cluster as one message: each is made to fit (row-size.ts),
    // and handed over as the JSON it was measured as, so it is not encoded twice.
    const emit = (update: RegionUpdate): void => emitToOwner(encodeRowUpdate(update))
    return encodeRowUpdate(await measureRegion(payload, emit, signal))
  })

  async function measureRegion(
    payload: unknown,
    emit: (update: RegionUpdate) => void,
    signal: AbortSignal,
  ): Promise<RegionUpdate> {
    const request = parseMeasureRequest(payload)
    if (!request) return failed('internal', 'The measure request was malformed.')
    const boot = { cold: false, bootMs: 0 }
    const measurements: Measurement[] = []
    // Runs one after another, each its own pool call (so other tests' runs interleave
    // fairly in the queue) and its own fresh browser context.
    for (let run = 1; run <= request.runs; run++) {
      const observed = runs.start()
      let measurement: Measurement
      try {
        measurement = await measureOnce(request, run, options, boot, emit, signal, observed)
      } catch (error) {
        const failure = failedFromPool(error)
        observed.ended('error', failure.error?.code ?? 'internal')
        return { ...failure, cold: boot.cold, bootMs: boot.bootMs }
      }
      observed.ended(measurement.error ? 'error' : 'complete', measurement.error?.code ?? null)
      measurements.push(measurement)
    }
    const connectivity = connectivityProfile(request.connectivity)
    const final = toFinalUpdate(measurements, boot, (m) =>
      visualFields(m, { testId: request.testId, node: cluster.self.node, connectivity }),
    )
    if (!request.lighthouse) return final
    return lighthouseStep(
      final,
      {
        pool: options.pool,
        testId: request.testId,
        node: cluster.self.node,
        url: request.url,
        device: request.device,
        egress: withConnectivity(options.egress, connectivity),
        machineSlots: options.machineSlots,
        timeoutMs: options.lighthouseTimeoutMs ?? LIGHTHOUSE_TIMEOUT_MS,
        queueTimeoutMs: options.queueTimeoutMs,
      },
      emit,
      signal,
    )
  }
}

function measureOnce(
  request: MeasureRequest,
  run: number,
  options: RegionServiceOptions,
  boot: { cold: boolean; bootMs: number },
  emit: (update: RegionUpdate) => void,
  signal: AbortSignal,
  observed: ObservedRun,
): Promise<Measurement> {
  const runCount = request.runs
  const connectivity: Connectivity = connectivityProfile(request.connectivity)
  const runFields = runCount > 1 ? { run, runCount } : {}
  // The pool's line and then the machine's budget each say where this load stands; 0: not waiting.
  let position = 0
  const queued = (next: number): void => {
    if (next === position) return
    const wasQueued = position > 0
    position = next
    if (next > 0) emit({ status: 'queued', queuePosition: next, ...runFields, updatedAt: Date.now() })
    else if (wasQueued) emit({ status: 'starting', ...runFields, updatedAt: Date.now() })
  }
  return options.pool.call(
    timedNav,
    {
      url: request.url,
      timeoutMs: options.navTimeoutMs,
      machineSlots: options.machineSlots,
      egress: withConnectivity(options.egress, connectivity),
      device: request.device,
      lateWindowMs: options.lateWindowMs ?? 0,
      ...(request.repeatView ? { repeatView: true } : {}),
    },
    {
      // the queue, the load (two with a repeat view) and room (deadlines.ts)
      timeout: loadCallTimeoutMs(
        {
          queueTimeoutMs: options.queueTimeoutMs,
          navTimeoutMs: options.navTimeoutMs,
          lateWindowMs: options.lateWindowMs ?? 0,
        },
        request,
      ),
      signal,
      onQueued: queued,
      onPlaced: (placement) => {
        queued(0)
        observed.placed(placement)
        if (placement.cold) {
          boot.cold = true
          boot.bootMs += placement.bootMs
        }
      },
      onMessage: (message) => {
        const m = parseTimedNavMessage(message)
        if (!m) return
        if (m.type === 'queued') {
          queued(m.position)
        } else if (m.type === 'browser' && m.cold) {
          boot.cold = true
          boot.bootMs += m.launchMs
        } else if (m.type === 'loading') {
          emit({
            status: 'loading',
            cold: boot.cold,
            bootMs: boot.bootMs,
            ...runFields,
            updatedAt: Date.now(),
          } satisfies RegionUpdate)
        } else if (m.type === 'first' && runCount === 1) {
          emit({ ...toFinalUpdate([m.measurement], boot), final: false })
        }
      },
    },
  )
}

/** The final row: the median run's numbers, and with several runs, every run's summary. */
export function toFinalUpdate(
  measurements: readonly Measurement[],
  boot: { cold: boolean; bootMs: number },
  /** The median run's look (visual-artifacts.ts): settings, elements, images. */
  visuals: (measurement: Measurement) => Partial<RegionUpdate> = () => ({}),
): RegionUpdate {
  const median = pickMedianRun(measurements)
  const measurement = measurements[median] as Measurement
  const gathered = packGathered(measurement)
  const repeated: Partial<RegionUpdate> =
    measurements.length > 1
      ? {
          runCount: measurements.length,
          medianRun: median,
          runs: measurements.map((m, i) => ({
            httpStatus: m.httpStatus,
            metrics: m.metrics,
            requests: m.requests,
            transferBytes: m.transferBytes,
            error: m.error,
            // the median run's log is the row's own `entries`: not sent twice
            ...(i === median ? {} : { entries: m.entries }),
          })),
        }
      : {}
  return {
    status: measurement.error ? 'error' : 'complete',
    httpStatus: measurement.httpStatus,
    finalUrl: measurement.finalUrl,
    metrics: measurement.metrics,
    requests: measurement.requests,
    transferBytes: measurement.transferBytes,
    entries: measurement.entries,
    cold: boot.cold,
    bootMs: boot.bootMs,
    error: measurement.error,
    final: true,
    ...(measurement.startedAt === undefined ? {} : { startedAt: measurement.startedAt }),
    ...visuals(measurement),
    ...(measurement.repeatView ? { repeatView: repeatViewResult(measurement.repeatView) } : {}),
    ...(gathered ? { gathered } : {}),
    ...repeated,
    updatedAt: Date.now(),
  }
}

const failed = (code: string, message: string): RegionUpdate => ({
  status: 'error',
  final: true,
  error: { code, message },
  updatedAt: Date.now(),
})

function failedFromPool(error: unknown): RegionUpdate {
  if (error instanceof FlameError) {
    switch (error.code) {
      case 'runner_lost':
        return failed('runner_lost', 'The browser runner for this region died mid-test.')
      case 'timeout':
        return failed('timeout', 'No browser in this region became free in time; try again shortly.')
      default:
        return failed(error.code, error.message)
    }
  }
  return failed('internal', error instanceof Error ? error.message : String(error))
}
