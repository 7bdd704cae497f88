/**
 * What the repeat view says at a glance: how much less went over the network than on
 * the first view, and how much sooner the page loaded, from the two views' numbers.
 *
 *   repeatSavings({ transferBytes: 188_906, metrics: { load: 434 } }, { transferBytes: 534, metrics: { load: 63 }, … })
 *   // → { bytesSaved: 0.997, loadSavedMs: 371, cached: '4 of 5 requests from the cache' }
 */
import type { Metrics } from '../../../../src/browser/types.ts'
import type { RepeatViewResult } from '../../../../src/speedtest/model.ts'

export interface FirstView {
  transferBytes: number | null
  metrics: Metrics
}

export interface RepeatSavings {
  /** Share of the first view's bytes the repeat view did not transfer (0–1), or null. */
  bytesSaved: number | null
  /** First view's load minus the repeat view's, in ms, or null. */
  loadSavedMs: number | null
  cached: string
}

export function repeatSavings(first: FirstView, repeat: RepeatViewResult): RepeatSavings {
  const bytesSaved =
    first.transferBytes && first.transferBytes > 0
      ? Math.max(0, (first.transferBytes - repeat.transferBytes) / first.transferBytes)
      : null
  const loadSavedMs =
    first.metrics.load !== null && repeat.metrics.load !== null
      ? first.metrics.load - repeat.metrics.load
      : null
  const noun = repeat.requests === 1 ? 'request' : 'requests'
  return {
    bytesSaved,
    loadSavedMs,
    cached: `${repeat.cachedRequests} of ${repeat.requests} ${noun} from the cache`,
  }
}
