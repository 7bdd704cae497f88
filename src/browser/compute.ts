/**
 * The computing half of a measurement, whole: a gathered load (gathered.ts) in, the
 * measurement's numbers out — metrics, requests, bytes, the waterfall, the HTTP status,
 * where the page ended up and the error in words. It is pure and needs no browser, so
 * the numbers of a stored load can be computed again, offline, by the very code that
 * computed them live (measure.ts calls it too).
 *
 *   computeMeasurement(gathered)
 *   // → { httpStatus: 200, finalUrl, metrics: { ttfb: 41, …, speedIndex: 420 }, requests: 7, transferBytes, entries, error: null }
 *   computeMeasurement(gathered, { tbtThresholdMs: 30 }).metrics.tbt   // another definition, same entries
 *
 * The rules that need what the network log says: behind the egress proxy a target it
 * could not reach is reported as Chromium would have reported it directly (the proxy's
 * errno becomes the net error, and its 502 answer a failed request); an aborted
 * navigation to a file is `download`; a 4xx/5xx document is `http_error`; after
 * client-side navigations the final URL is the last document.
 */
import { downloadError, failureTextFor, httpError, upstreamError } from './errors.ts'
import type { GatheredLoad } from './gathered.ts'
import { computeMetrics, type MetricOptions, roundMetrics } from './metrics.ts'
import { type NetworkSummary, summariseNetwork } from './network-summary.ts'
import type { Measurement } from './types.ts'

export type ComputeOptions = MetricOptions

/** The numbers of a gathered load; no `visuals` (images) and no `gathered` attached. */
export function computeMeasurement(gathered: GatheredLoad, options: ComputeOptions = {}): Measurement {
  const network = summariseNetwork(gathered.network)
  const { unreachable, navigationErrorText } = gathered.ended
  let error = gathered.ended.error
  if (unreachable) {
    error = upstreamError(unreachable)
    asIfDirect(network, failureTextFor(unreachable))
  } else if (navigationErrorText) error = downloadError(gathered.network, navigationErrorText) ?? error
  const httpStatus = network.document?.status ?? null
  // A 4xx/5xx with an empty body also surfaces as a navigation error; the status says more.
  if (httpStatus !== null && httpStatus >= 400 && (error === null || error.code === 'navigation_failed')) {
    error = httpError(httpStatus)
  }
  // After client-side navigations (meta refresh, script) the page ended up elsewhere: say where.
  const { documents } = gathered
  const finalUrl = documents.length > 1 ? (documents.at(-1) ?? null) : (network.document?.url ?? null)
  const metrics = roundMetrics(computeMetrics(gathered.page, options))
  return {
    httpStatus,
    finalUrl,
    metrics: gathered.visual
      ? {
          ...metrics,
          speedIndex: gathered.visual.speedIndex,
          visuallyComplete: gathered.visual.visuallyComplete,
        }
      : metrics,
    requests: network.requests,
    transferBytes: network.transferBytes,
    entries: network.entries,
    ...(network.startedAt === null ? {} : { startedAt: network.startedAt }),
    error,
  }
}

/** The proxy's error answer stands for a connection that failed: record it as Chromium would have. */
function asIfDirect(network: NetworkSummary, failure: string): void {
  const documentEntry = network.entries.findLast(
    (entry) => entry.type === 'document' && entry.url === network.document?.url,
  )
  if (!network.document || !documentEntry) return
  network.transferBytes -= documentEntry.bytes
  documentEntry.bytes = 0
  documentEntry.status = null
  documentEntry.failure = failure
  network.document.status = null
}
