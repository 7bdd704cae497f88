import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RunSummary } from '../../../../src/speedtest/model.ts'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import { runStats } from './stats.ts'

const run = (load: number | null, lcp: number | null): RunSummary => ({
  httpStatus: 200,
  metrics: { ...emptyMetrics(), load, lcp },
  requests: 3,
  transferBytes: 10,
  error: null,
})

test('min, the median run and max per metric; failed runs do not count', () => {
  const stats = runStats([run(900, 800), run(700, 650), run(null, null), run(640, 700)], 1)
  const load = stats.find((stat) => stat.key === 'load')
  assert.deepEqual(load, { key: 'load', label: 'Load', min: 640, median: 700, max: 900 })
  const lcp = stats.find((stat) => stat.key === 'lcp')
  assert.deepEqual(
    [lcp?.min, lcp?.median, lcp?.max],
    [650, 650, 800],
    'the median column is the median run, by load',
  )
  assert.equal(stats.find((stat) => stat.key === 'ttfb')?.min, null)
})
