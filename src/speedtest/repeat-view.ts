/**
 * A repeat view as its row shows it: the warm-cache load's numbers (src/browser/repeat-view.ts
 * measures it), beside the first view's, with the requests the browser answered from its
 * cache counted apart. Its waterfall and images are not kept: the row is about the first view.
 *
 *   repeatViewResult(measurement.repeatView)
 *   // → { httpStatus: 200, finalUrl, metrics: { …, load: 63 }, requests: 5, transferBytes: 534, cachedRequests: 4, error: null }
 */
import type { Measurement } from '../browser/types.ts'
import type { RepeatViewResult } from './model.ts'

export function repeatViewResult(m: Measurement): RepeatViewResult {
  return {
    httpStatus: m.httpStatus,
    finalUrl: m.finalUrl,
    metrics: m.metrics,
    requests: m.requests,
    transferBytes: m.transferBytes,
    cachedRequests: m.entries.filter((e) => e.fromCache).length,
    error: m.error,
  }
}
