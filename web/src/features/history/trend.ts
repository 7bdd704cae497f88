/**
 * The small trend chart of the history page: per region, one metric over a URL's past
 * tests, oldest to newest, as points and an SVG path in a little box. A test where the
 * region failed or did not run is a gap, not a zero.
 *
 *   const series = trendSeries(history.tests, 'load')   // [{ region: 'ord', values: [900, null, 720] }]
 *   sparkline(series[0].values, 120, 32)                 // { d: 'M0,4L60,28', points: [...] }
 */
import type { ComparedMetric } from '../../../../src/speedtest/compare.ts'
import type { RegionSummary, TestSummary } from '../../api.ts'

export interface Series {
  region: string
  /** Oldest first, one per test; null where the region has no value. */
  values: Array<number | null>
}

const pointValue = (row: RegionSummary, metric: ComparedMetric): number | null => {
  if (row.status !== 'complete') return null
  if (metric === 'requests') return row.requests
  if (metric === 'transferBytes') return row.transferBytes
  return row.metrics[metric]
}

export function trendSeries(newestFirst: TestSummary[], metric: ComparedMetric): Series[] {
  const tests = newestFirst.slice().reverse()
  const regions = [...new Set(tests.flatMap((test) => test.results.map((row) => row.region)))]
  return regions.map((region) => ({
    region,
    values: tests.map((test) => {
      const row = test.results.find((candidate) => candidate.region === region)
      return row ? pointValue(row, metric) : null
    }),
  }))
}

export interface Sparkline {
  d: string
  points: Array<{ x: number; y: number; value: number }>
}

/** Lower values sit lower; a flat series sits in the middle; gaps break the line. */
export function sparkline(values: Array<number | null>, width: number, height: number, pad = 3): Sparkline {
  const measured = values.filter((value): value is number => value !== null)
  const min = Math.min(...measured)
  const max = Math.max(...measured)
  const span = max - min
  const stepX = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0
  const points: Sparkline['points'] = []
  let d = ''
  let pen = false
  values.forEach((value, index) => {
    if (value === null) {
      pen = false
      return
    }
    const x = pad + index * stepX
    const y = span === 0 ? height / 2 : height - pad - ((value - min) / span) * (height - 2 * pad)
    points.push({ x, y, value })
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`
    pen = true
  })
  return { d, points }
}
