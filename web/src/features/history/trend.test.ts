import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import type { RegionSummary, TestSummary } from '../../api.ts'
import { sparkline, trendSeries } from './trend.ts'

const row = (
  region: string,
  load: number | null,
  status: RegionSummary['status'] = 'complete',
): RegionSummary => ({
  region,
  node: `${region}-1`,
  status,
  httpStatus: 200,
  metrics: { ...emptyMetrics(), load },
  requests: 3,
  transferBytes: 10,
  error: null,
})
const summary = (id: string, results: RegionSummary[]): TestSummary => ({
  id,
  url: 'https://a.test/',
  createdAt: '2026-01-01T00:00:00Z',
  state: 'done',
  results,
})

test('series run oldest to newest per region, with gaps where a region failed or was absent', () => {
  const newestFirst = [
    summary('c', [row('ord', 700), row('fra', 1200)]),
    summary('b', [row('ord', 800, 'error')]),
    summary('a', [row('ord', 900), row('fra', 1000)]),
  ]
  assert.deepEqual(trendSeries(newestFirst, 'load'), [
    { region: 'ord', values: [900, null, 700] },
    { region: 'fra', values: [1000, null, 1200] },
  ])
})

test('a sparkline maps the smallest value to the bottom and breaks at gaps', () => {
  const line = sparkline([100, null, 300, 200], 100, 20, 0)
  assert.equal(line.d, 'M0.0,20.0M66.7,0.0L100.0,10.0')
  assert.equal(line.points.length, 3)
  assert.equal(sparkline([5, 5], 10, 10, 0).points[0]?.y, 5, 'flat series in the middle')
})
