/**
 * Before/after: two tests side by side, region by region, with the difference of every
 * headline number. Rows pair up by region (the k-th row of a region in one test with the
 * k-th of the same region in the other); a region only one test has still shows, with
 * the other side null.
 *
 *   compareTests(before, after).regions[0]
 *   // → { region: 'ord', a: {…row}, b: {…row},
 *   //     diff: { load: { a: 900, b: 720, absolute: -180, relative: -0.2 }, … } }
 *
 * `absolute` is b − a; `relative` is (b − a) / a, null when a is 0 or either side is
 * missing, so "20 % faster" never comes from a number that was not measured.
 */

import type { SpeedTest } from './model.ts'
import { type RegionSummary, summarize, type TestSummary } from './records.ts'

export const COMPARED = [
  'ttfb',
  'fcp',
  'lcp',
  'cls',
  'tbt',
  'domContentLoaded',
  'load',
  'requests',
  'transferBytes',
] as const

export type ComparedMetric = (typeof COMPARED)[number]

export interface MetricDiff {
  a: number | null
  b: number | null
  absolute: number | null
  relative: number | null
}

export interface RegionComparison {
  region: string
  a: RegionSummary | null
  b: RegionSummary | null
  diff: Record<ComparedMetric, MetricDiff>
}

export interface Comparison {
  a: TestSummary
  b: TestSummary
  regions: RegionComparison[]
}

export function compareTests(a: SpeedTest, b: SpeedTest): Comparison {
  const left = summarize(a)
  const right = summarize(b)
  const regions: RegionComparison[] = []
  const order = [...new Set([...left.results, ...right.results].map((row) => row.region))]
  for (const region of order) {
    const rowsA = left.results.filter((row) => row.region === region)
    const rowsB = right.results.filter((row) => row.region === region)
    for (let k = 0; k < Math.max(rowsA.length, rowsB.length); k++) {
      const rowA = rowsA[k] ?? null
      const rowB = rowsB[k] ?? null
      regions.push({ region, a: rowA, b: rowB, diff: diffRows(rowA, rowB) })
    }
  }
  return { a: left, b: right, regions }
}

function metricOf(row: RegionSummary | null, metric: ComparedMetric): number | null {
  if (!row) return null
  if (metric === 'requests' || metric === 'transferBytes') return row[metric]
  return row.metrics[metric]
}

function diffRows(a: RegionSummary | null, b: RegionSummary | null): Record<ComparedMetric, MetricDiff> {
  const diff = {} as Record<ComparedMetric, MetricDiff>
  for (const metric of COMPARED) diff[metric] = diffValues(metricOf(a, metric), metricOf(b, metric))
  return diff
}

export function diffValues(a: number | null, b: number | null): MetricDiff {
  if (a === null || b === null) return { a, b, absolute: null, relative: null }
  return { a, b, absolute: round(b - a), relative: a === 0 ? null : round((b - a) / a) }
}

/** Enough digits for CLS, none of the binary-fraction noise (0.30000000000000004). */
const round = (value: number): number => Math.round(value * 1e6) / 1e6
