/**
 * What the map shows for each row: where it is (from `/api/regions`), what state it is
 * in, and its headline number. A row's tone is its status while it runs, and its LCP
 * rating once complete (an error page is its own tone, never "good"). Rows whose region
 * has no known place are kept, unplaced, so the list beside the map still shows them.
 *
 *   markersFor(test.results, regions)
 *   // → [{ node: 'ord-1', region: 'ord', city: 'Chicago', at: [231, 160], tone: 'good', headline: 'LCP 412 ms' }]
 */
import { formatMs, rate, statusText } from '../../../../src/format/index.ts'
import type { RegionInfo, RegionResult } from '../../api.ts'
import { place } from './projection.ts'

export type Tone =
  | 'queued'
  | 'starting'
  | 'loading'
  | 'good'
  | 'needs-improvement'
  | 'poor'
  | 'error-page'
  | 'error'

export interface Marker {
  node: string
  region: string
  city: string | null
  at: [number, number] | null
  status: RegionResult['status']
  tone: Tone
  /** The number next to the marker, or the state in words while there is none. */
  headline: string
}

function toneOf(row: RegionResult): Tone {
  // An error page (a 404 measured in full, or its http_error) is its own tone, never "good".
  if ((row.httpStatus ?? 0) >= 400 && (row.status === 'complete' || row.status === 'error'))
    return 'error-page'
  if (row.status === 'error') return 'error'
  if (row.status !== 'complete') return row.status
  if ((row.httpStatus ?? 0) >= 400) return 'error-page'
  return rate('lcp', row.metrics.lcp) ?? rate('fcp', row.metrics.fcp) ?? 'good'
}

function headlineOf(row: RegionResult): string {
  if ((row.httpStatus ?? 0) >= 400) return `HTTP ${row.httpStatus}`
  if (row.status === 'error') return statusText('error')
  if (row.metrics.lcp !== null) return `LCP ${formatMs(row.metrics.lcp)}`
  if (row.metrics.load !== null) return `Load ${formatMs(row.metrics.load)}`
  return statusText(row.status, row.queuePosition)
}

export function markersFor(rows: RegionResult[], regions: RegionInfo[]): Marker[] {
  const places = new Map<string, RegionInfo>()
  for (const info of regions) if (!places.has(info.region)) places.set(info.region, info)
  return rows.map((row) => {
    const info = places.get(row.region)
    const at =
      info && typeof info.lat === 'number' && typeof info.lon === 'number' ? place(info.lat, info.lon) : null
    return {
      node: row.node,
      region: row.region,
      city: info?.city ?? null,
      at,
      status: row.status,
      tone: toneOf(row),
      headline: headlineOf(row),
    }
  })
}
