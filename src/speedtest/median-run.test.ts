import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Measurement } from '../browser/types.ts'
import { pickMedianRun } from './median-run.ts'

const run = (load: number | null, error: Measurement['error'] = null): Measurement => ({
  httpStatus: 200,
  finalUrl: 'https://example.com/',
  metrics: { ttfb: 1, fcp: 2, lcp: 3, cls: 0, tbt: 0, domContentLoaded: 4, load },
  requests: 1,
  transferBytes: 100,
  entries: [],
  error,
})

it('picks the run whose load is the median', () => {
  assert.equal(pickMedianRun([run(900), run(700), run(800)]), 2)
  assert.equal(pickMedianRun([run(500)]), 0)
})

it('picks the lower middle of an even count', () => {
  assert.equal(pickMedianRun([run(400), run(100), run(300), run(200)]), 3)
})

it('never picks a failed run while one succeeded', () => {
  const timeout = { code: 'timeout', message: 'slow' }
  assert.equal(pickMedianRun([run(50, timeout), run(700), run(60, timeout)]), 1)
  assert.equal(
    pickMedianRun([run(900, timeout), run(700, timeout), run(800, timeout)]),
    2,
    'all failed: still the median',
  )
})
