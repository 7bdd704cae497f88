/**
 * What the requesting node and a region node say to each other about a test. The
 * request names the test and the URL; the answer is a stream of row updates (partial
 * RegionResults) ending with the final one. Everything here crosses the network as
 * JSON, so whatever comes in is checked, not trusted.
 *
 *   cluster.call(node, MEASURE_METHOD, { testId, url }, { onMessage: (m) => parseRegionUpdate(m) })
 */
import type { RegionResult, RegionStatus } from './model.ts'

export const MEASURE_METHOD = 'measure'

export interface MeasureRequest {
  testId: string
  url: string
  /** Page loads in a row, each in a fresh context; the row reports the median one. */
  runs: number
}

export const MAX_RUNS = 5

export type RegionUpdate = Partial<Omit<RegionResult, 'node' | 'region'>> & { status: RegionStatus }

const STATUSES: readonly RegionStatus[] = ['starting', 'loading', 'complete', 'error']

export function parseMeasureRequest(payload: unknown): MeasureRequest | null {
  if (typeof payload !== 'object' || payload === null) return null
  const { testId, url, runs } = payload as Record<string, unknown>
  if (typeof testId !== 'string' || typeof url !== 'string') return null
  const count = Number.isInteger(runs) ? Math.min(MAX_RUNS, Math.max(1, runs as number)) : 1
  return { testId, url, runs: count }
}

export function parseRegionUpdate(message: unknown): RegionUpdate | null {
  if (typeof message !== 'object' || message === null) return null
  const update = message as Record<string, unknown>
  if (!STATUSES.includes(update.status as RegionStatus)) return null
  // Identity fields belong to the row, never to a message about it.
  const { node: _node, region: _region, ...rest } = update
  return rest as RegionUpdate
}
