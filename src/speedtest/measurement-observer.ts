/**
 * What a node's page loads tell its metrics. Each run of a measurement (one page load)
 * is timed from the moment it asks the pool for a slot: how long it waited for one, how
 * long it then ran on its runner, and how it ended; a runner booted for it is reported
 * once, with its boot time. The node's Prometheus metrics (src/server/metrics.ts)
 * implement the observer; the region service only calls it.
 *
 *   const runs = observeRuns(observer, 'ord')
 *   const run = runs.start()
 *   await pool.call(timedNav, input, { onPlaced: run.placed })
 *   run.ended('complete', null)   // or run.ended('error', 'timeout')
 */
import type { Placement } from '@world-page-speed/flame'

export interface MeasurementObserver {
  /** A run waited this long (s) for a slot on a runner. */
  queued(seconds: number): void
  /** A runner was booted for this node's work and took this long (s); once per runner. */
  booted(seconds: number): void
  /** A run ended, after this long (s) on its runner (0 if it never got one). */
  measured(outcome: {
    region: string
    status: 'complete' | 'error'
    code: string | null
    seconds: number
  }): void
}

export interface ObservedRun {
  /** Hand to the pool call's `onPlaced`. */
  placed(placement: Placement): void
  ended(status: 'complete' | 'error', code: string | null): void
}

export function observeRuns(
  observer: MeasurementObserver | undefined,
  region: string,
): { start(): ObservedRun } {
  const booted = new RecentIds(1000)
  return {
    start() {
      const calledAt = performance.now()
      let placedAt: number | null = null
      return {
        placed(placement) {
          placedAt = performance.now()
          observer?.queued((placedAt - calledAt) / 1000)
          // Several waiting calls can be placed on the runner one boot made; count the boot once.
          if (placement.cold && booted.add(placement.runnerId)) observer?.booted(placement.bootMs / 1000)
        },
        ended(status, code) {
          const seconds = placedAt === null ? 0 : (performance.now() - placedAt) / 1000
          observer?.measured({ region, status, code, seconds })
        },
      }
    },
  }
}

/** The last `capacity` ids added; `add` says whether the id was new. */
class RecentIds {
  readonly #ids = new Set<string>()

  constructor(readonly capacity: number) {}

  add(id: string): boolean {
    if (this.#ids.has(id)) return false
    this.#ids.add(id)
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next().value
      if (oldest !== undefined) this.#ids.delete(oldest)
    }
    return true
  }
}
