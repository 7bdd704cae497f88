/**
 * One region node's row. It moves through "Queued" → "Starting browser" → "Loading page"
 * → its numbers (each Web Vital rated in words, or marked as measured on an error page), or ends in an error told in words. A status dot repeats the
 * state in colour; the text carries it for screen readers.
 *
 *   <ResultRow result={result} label="ord" place="Chicago" />
 */

import {
  formatBytes,
  formatCls,
  formatCount,
  formatMs,
  LIGHTHOUSE_RUNNING,
  type RatedMetric,
  statusText,
} from '../../../../src/format/index.ts'
import type { RegionResult, Settings } from '../../api.ts'
import { errorTitle } from '../../errors.ts'
import { Filmstrip } from '../filmstrip/Filmstrip.tsx'
import { LighthouseScore } from '../lighthouse/LighthouseScore.tsx'
import { RatingBadge, ratingClass } from '../ratings/Rating.tsx'
import { RepeatView } from '../repeat-view/RepeatView.tsx'
import { RunsTable } from '../runs/RunsTable.tsx'
import { Screenshot } from '../screenshot/Screenshot.tsx'
import { RowWaterfall } from '../waterfall/RowWaterfall.tsx'

interface Props {
  result: RegionResult
  /** Place name for the region, when /api/regions knows it. */
  place?: string | undefined
  /** Shown when a region has more than one node, to tell the rows apart. */
  showNode?: boolean
  testedUrl?: string
  /** The filmstrips' shared time axis: the latest frame of any region of the test. */
  filmstripEndMs?: number
}

interface Cell {
  key: string
  label: string
  title: string
  value: string
  rating?: RatedMetric
  raw?: number | null
}

function cells(result: RegionResult): Cell[] {
  const m = result.metrics
  return [
    {
      key: 'ttfb',
      label: 'TTFB',
      title: 'Time to first byte',
      value: formatMs(m.ttfb),
      rating: 'ttfb',
      raw: m.ttfb,
    },
    {
      key: 'fcp',
      label: 'FCP',
      title: 'First contentful paint',
      value: formatMs(m.fcp),
      rating: 'fcp',
      raw: m.fcp,
    },
    {
      key: 'lcp',
      label: 'LCP',
      title: 'Largest contentful paint',
      value: formatMs(m.lcp),
      rating: 'lcp',
      raw: m.lcp,
    },
    {
      key: 'cls',
      label: 'CLS',
      title: 'Cumulative layout shift',
      value: formatCls(m.cls),
      rating: 'cls',
      raw: m.cls,
    },
    {
      key: 'tbt',
      label: 'TBT',
      title: 'Total blocking time',
      value: formatMs(m.tbt),
      rating: 'tbt',
      raw: m.tbt,
    },
    { key: 'dcl', label: 'DOM ready', title: 'DOMContentLoaded', value: formatMs(m.domContentLoaded) },
    { key: 'load', label: 'Load', title: 'Load event', value: formatMs(m.load) },
    {
      key: 'http',
      label: 'HTTP',
      title: 'HTTP status of the document',
      value: formatCount(result.httpStatus),
    },
    { key: 'requests', label: 'Requests', title: 'Requests made', value: formatCount(result.requests) },
    { key: 'bytes', label: 'Transfer', title: 'Bytes transferred', value: formatBytes(result.transferBytes) },
  ]
}

/** "desktop · 1350×940 · cable (28 ms RTT) · Chromium 156": how this row was measured. */
function settingsText(settings: Settings): string {
  const parts: string[] = []
  if (settings.device) parts.push(settings.device)
  if (settings.viewport) parts.push(`${settings.viewport.width}×${settings.viewport.height}`)
  if (settings.connectivity) {
    const rtt = settings.connectivity.rttMs ? ` (${settings.connectivity.rttMs} ms RTT)` : ''
    parts.push(`${settings.connectivity.name}${rtt}`)
  }
  if (settings.browser) parts.push(settings.browser)
  return `Measured with ${parts.join(' · ')}`
}

const hasNumbers = (result: RegionResult): boolean =>
  result.status === 'complete' ||
  result.httpStatus !== null ||
  Object.values(result.metrics).some((value) => value !== null)

export function ResultRow({ result, place, showNode = false, testedUrl, filmstripEndMs = 0 }: Props) {
  const { status, error } = result
  const pending = status === 'queued' || status === 'starting' || status === 'loading'
  const errorPage = (result.httpStatus ?? 0) >= 400 ? result.httpStatus : null
  const redirected = result.finalUrl && testedUrl && result.finalUrl !== testedUrl ? result.finalUrl : null

  return (
    <li class={`row row--${status}`} data-node={result.node} data-region={result.region} data-status={status}>
      <div class="row-head">
        <span class={`dot dot--${status}`} aria-hidden="true" />
        <span class="row-region">
          <span class="region-name">{place ?? result.region}</span>
          {place ? <span class="region-code">{result.region}</span> : null}
          {showNode ? <span class="node-id">{result.node}</span> : null}
        </span>
        <span class="row-status">
          {status === 'error' && error
            ? errorTitle(error.code)
            : result.lighthouse?.status === 'running'
              ? LIGHTHOUSE_RUNNING
              : statusText(status, result.queuePosition)}
          {status === 'loading' && result.run && result.runCount
            ? ` (run ${result.run} of ${result.runCount})`
            : null}
        </span>
        {result.runCount && result.runs ? (
          <span class="badge badge--runs" title="The numbers shown are the run with the median load time">
            median of {result.runCount} runs
          </span>
        ) : null}
        {result.cold && result.bootMs !== null ? (
          <span class="badge badge--cold" title="This measurement had to boot a runner first">
            cold start {formatMs(result.bootMs)}
          </span>
        ) : null}
      </div>

      {pending ? <div class="progress" aria-hidden="true" /> : null}

      {status === 'error' && error ? (
        <p class="row-error" data-code={error.code}>
          {error.message}
        </p>
      ) : null}

      {hasNumbers(result) ? (
        <dl class="metrics">
          {cells(result).map((cell) => {
            const bad = cell.key === 'http' && errorPage !== null
            const tone = cell.rating ? ratingClass(cell.rating, cell.raw, errorPage) : ''
            return (
              <div
                class={`metric ${tone}${bad ? ' metric--poor' : ''}`}
                data-metric={cell.key}
                key={cell.key}
              >
                <dt title={cell.title}>{cell.label}</dt>
                <dd>{cell.value}</dd>
                {cell.rating && cell.raw !== null && cell.raw !== undefined ? (
                  <dd class="metric-rating">
                    <RatingBadge metric={cell.rating} value={cell.raw} errorPage={errorPage} />
                  </dd>
                ) : null}
              </div>
            )
          })}
        </dl>
      ) : null}

      {result.runs && result.runs.length > 1 ? (
        <RunsTable runs={result.runs} medianRun={result.medianRun} />
      ) : null}

      {result.repeatView ? <RepeatView first={result} repeat={result.repeatView} /> : null}

      {result.status === 'complete' && result.final === false && !result.lighthouse ? (
        <p class="row-note" role="status">
          Still watching the page after load: late paints, shifts and long tasks may change these numbers.
        </p>
      ) : null}

      {result.lighthouse ? (
        <LighthouseScore audit={result.lighthouse} links={result.artifacts?.lighthouse} />
      ) : null}

      {result.artifacts?.filmstrip && result.artifacts.filmstrip.length > 0 ? (
        <Filmstrip frames={result.artifacts.filmstrip} endMs={filmstripEndMs} />
      ) : null}

      {result.artifacts?.screenshot ? (
        <Screenshot
          url={result.artifacts.screenshot}
          viewport={result.settings?.viewport}
          lcp={result.lcpElement}
        />
      ) : null}

      <RowWaterfall row={result} />

      {result.settings ? <p class="row-settings">{settingsText(result.settings)}</p> : null}

      {redirected ? (
        <p class="row-note">
          Ended at <span class="mono">{redirected}</span>
        </p>
      ) : null}
    </li>
  )
}
