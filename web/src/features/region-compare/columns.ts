/**
 * The regions-side-by-side table as data: one column per headline metric, each row's
 * value, the fastest and slowest row of each column (lower is better for every one of
 * them), and a stable sort. Only complete rows that measured a value take part in
 * fastest/slowest; a column needs two of them for the marks to mean anything.
 *
 *   const table = compareColumns(test.results)
 *   table.extremes.lcp          // { fastest: 'ord-1', slowest: 'syd-1' }
 *   sortRows(test.results, 'lcp', 'asc')
 */
import {
  formatBytes,
  formatCls,
  formatCount,
  formatMs,
  type RatedMetric,
} from '../../../../src/format/index.ts'
import type { RegionResult } from '../../api.ts'

export type ColumnKey =
  | 'ttfb'
  | 'fcp'
  | 'lcp'
  | 'cls'
  | 'tbt'
  | 'domContentLoaded'
  | 'load'
  | 'requests'
  | 'transferBytes'

export interface Column {
  key: ColumnKey
  label: string
  rated?: RatedMetric
  format: (value: number | null) => string
}

export const COLUMNS: Column[] = [
  { key: 'ttfb', label: 'TTFB', rated: 'ttfb', format: formatMs },
  { key: 'fcp', label: 'FCP', rated: 'fcp', format: formatMs },
  { key: 'lcp', label: 'LCP', rated: 'lcp', format: formatMs },
  { key: 'cls', label: 'CLS', rated: 'cls', format: formatCls },
  { key: 'tbt', label: 'TBT', rated: 'tbt', format: formatMs },
  { key: 'domContentLoaded', label: 'DCL', format: formatMs },
  { key: 'load', label: 'Load', format: formatMs },
  { key: 'requests', label: 'Req.', format: formatCount },
  { key: 'transferBytes', label: 'Bytes', format: formatBytes },
]

export function cellValue(row: RegionResult, key: ColumnKey): number | null {
  if (key === 'requests') return row.requests
  if (key === 'transferBytes') return row.transferBytes
  return row.metrics[key]
}

export interface Extremes {
  fastest: string | null
  slowest: string | null
}

export function extremes(rows: RegionResult[]): Record<ColumnKey, Extremes> {
  const found = {} as Record<ColumnKey, Extremes>
  for (const column of COLUMNS) {
    const measured = rows
      .filter((row) => row.status === 'complete')
      .map((row) => ({ node: row.node, value: cellValue(row, column.key) }))
      .filter((item): item is { node: string; value: number } => item.value !== null)
    if (measured.length < 2) {
      found[column.key] = { fastest: null, slowest: null }
      continue
    }
    const sorted = measured.slice().sort((x, y) => x.value - y.value)
    const first = sorted[0]
    const last = sorted.at(-1)
    // All equal: nobody is fastest.
    const differ = first && last && first.value !== last.value
    found[column.key] = {
      fastest: differ ? (first?.node ?? null) : null,
      slowest: differ ? (last?.node ?? null) : null,
    }
  }
  return found
}

export type SortKey = ColumnKey | 'region'
export type Direction = 'asc' | 'desc'

/** Sorted copy; rows without a value go last whatever the direction. */
export function sortRows(rows: RegionResult[], key: SortKey, direction: Direction): RegionResult[] {
  const sign = direction === 'asc' ? 1 : -1
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      if (key === 'region') return sign * x.row.region.localeCompare(y.row.region) || x.index - y.index
      const a = cellValue(x.row, key)
      const b = cellValue(y.row, key)
      if (a === null || b === null) return a === b ? x.index - y.index : a === null ? 1 : -1
      return sign * (a - b) || x.index - y.index
    })
    .map((item) => item.row)
}
