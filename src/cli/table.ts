/**
 * The terminal tables of the CLI: a view's numbers as cells, and rows aligned under
 * their header, two spaces between columns, no trailing blanks. `wps run` (report.ts)
 * and `wps recompute` (recompute-report.ts) print theirs this way, so their columns
 * read the same.
 *
 *   const header = ['region', ...numberHeader()]
 *   alignRows(header, [['ord', ...numberCells(row)]]).join('\n')
 *   // region  ttfb   fcp    lcp     cls   …  requests  bytes
 *   // ord     41 ms  88 ms  240 ms  0.12  …  12        1.2 MB
 *
 * `{ speedIndex: true }` adds the Speed Index (`si`) before `requests`.
 */
import { formatBytes, formatCls, formatCount, formatMs } from '../format/index.ts'
import type { RegionResult } from '../speedtest/model.ts'

/** What a view's number cells are made of: a row, its repeat view, or a recomputed view. */
export type ViewCells = Pick<RegionResult, 'metrics' | 'requests' | 'transferBytes'>

export interface NumberColumns {
  /** Adds the Speed Index column (`si`) before `requests`. */
  speedIndex?: boolean
}

/** The headers of numberCells' columns, in the same order. */
export function numberHeader(columns: NumberColumns = {}): string[] {
  return [
    'ttfb',
    'fcp',
    'lcp',
    'cls',
    'tbt',
    'dcl',
    'load',
    ...(columns.speedIndex ? ['si'] : []),
    'requests',
    'bytes',
  ]
}

export function numberCells(n: ViewCells, columns: NumberColumns = {}): string[] {
  const m = n.metrics
  return [
    formatMs(m.ttfb),
    formatMs(m.fcp),
    formatMs(m.lcp),
    formatCls(m.cls),
    formatMs(m.tbt),
    formatMs(m.domContentLoaded),
    formatMs(m.load),
    ...(columns.speedIndex ? [formatMs(m.speedIndex)] : []),
    formatCount(n.requests),
    formatBytes(n.transferBytes),
  ]
}

/** The header line, then each row, every column as wide as its widest cell. */
export function alignRows(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}
