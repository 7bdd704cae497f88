import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import type { RegionResult } from '../../api.ts'
import { extremes, sortRows } from './columns.ts'

const row = (
  region: string,
  lcp: number | null,
  status: RegionResult['status'] = 'complete',
): RegionResult => ({
  region,
  node: `${region}-1`,
  status,
  httpStatus: 200,
  finalUrl: null,
  metrics: { ...emptyMetrics(), lcp, cls: 0 },
  requests: 5,
  transferBytes: 100,
  cold: false,
  bootMs: null,
  error: null,
})

test('fastest and slowest per column, among complete rows only', () => {
  const rows = [row('ord', 900), row('fra', 400), row('syd', 2000), row('gru', 100, 'loading')]
  const marks = extremes(rows)
  assert.deepEqual(marks.lcp, { fastest: 'fra-1', slowest: 'syd-1' })
  assert.deepEqual(marks.cls, { fastest: null, slowest: null }, 'all equal: no winner')
  assert.deepEqual(extremes([row('ord', 900)]).lcp, { fastest: null, slowest: null }, 'one row: no contest')
})

test('sorting by a metric both ways keeps unmeasured rows last', () => {
  const rows = [row('ord', 900), row('fra', null), row('syd', 2000), row('ams', 400)]
  assert.deepEqual(
    sortRows(rows, 'lcp', 'asc').map((r) => r.region),
    ['ams', 'ord', 'syd', 'fra'],
  )
  assert.deepEqual(
    sortRows(rows, 'lcp', 'desc').map((r) => r.region),
    ['syd', 'ord', 'ams', 'fra'],
  )
  assert.deepEqual(
    sortRows(rows, 'region', 'asc').map((r) => r.region),
    ['ams', 'fra', 'ord', 'syd'],
  )
})
