/**
 * A row's repeat view beside its first view: the same URL loaded again in the same
 * browser context, warm cache. A line says what the cache saved; the table puts the two
 * views' headline numbers side by side.
 *
 *   <RepeatView first={row} repeat={row.repeatView} />
 *   // Repeat view (warm cache): 4 of 5 requests from the cache · 99.7% fewer bytes · load 371 ms sooner
 */

import { formatBytes, formatCls, formatCount, formatMs } from '../../../../src/format/index.ts'
import type { RepeatViewResult } from '../../../../src/speedtest/model.ts'
import { errorTitle } from '../../errors.ts'
import detail from '../row-details/row-details.module.css'
import { type FirstView, repeatSavings } from './savings.ts'

interface Props {
  first: FirstView & { requests: number | null }
  repeat: RepeatViewResult
}

const COLUMNS = [
  ['TTFB', (v: FirstView) => formatMs(v.metrics.ttfb)],
  ['FCP', (v: FirstView) => formatMs(v.metrics.fcp)],
  ['LCP', (v: FirstView) => formatMs(v.metrics.lcp)],
  ['CLS', (v: FirstView) => formatCls(v.metrics.cls)],
  ['TBT', (v: FirstView) => formatMs(v.metrics.tbt)],
  ['Load', (v: FirstView) => formatMs(v.metrics.load)],
  ['Transfer', (v: FirstView) => formatBytes(v.transferBytes)],
] as const

export function RepeatView({ first, repeat }: Props) {
  if (repeat.error) {
    return (
      <p class={detail.details} data-testid="repeat-view" data-status="error">
        Repeat view: {errorTitle(repeat.error.code)} — {repeat.error.message}
      </p>
    )
  }
  const saved = repeatSavings(first, repeat)
  const parts = [saved.cached]
  if (saved.bytesSaved !== null) parts.push(`${(saved.bytesSaved * 100).toFixed(1)}% fewer bytes`)
  if (saved.loadSavedMs !== null && saved.loadSavedMs > 0)
    parts.push(`load ${formatMs(saved.loadSavedMs)} sooner`)
  return (
    <details class={detail.details} data-testid="repeat-view" data-status="complete">
      <summary>Repeat view (warm cache): {parts.join(' · ')}</summary>
      <div class={detail.scroller}>
        <table class={detail.table}>
          <thead>
            <tr>
              <th scope="col">View</th>
              {COLUMNS.map(([label]) => (
                <th scope="col" key={label}>
                  {label}
                </th>
              ))}
              <th scope="col">Requests</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">First view</th>
              {COLUMNS.map(([label, cell]) => (
                <td key={label}>{cell(first)}</td>
              ))}
              <td>{formatCount(first.requests)}</td>
            </tr>
            <tr data-view="repeat">
              <th scope="row">Repeat view</th>
              {COLUMNS.map(([label, cell]) => (
                <td key={label}>{cell(repeat)}</td>
              ))}
              <td>
                {formatCount(repeat.requests)} ({formatCount(repeat.cachedRequests)} cached)
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </details>
  )
}
