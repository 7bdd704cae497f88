import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import type { RegionResult } from '../../api.ts'
import { testOutcome } from './outcome.ts'

const row = (status: RegionResult['status']): RegionResult => ({
  region: 'ord',
  node: 'n',
  status,
  httpStatus: null,
  finalUrl: null,
  metrics: emptyMetrics(),
  requests: null,
  transferBytes: null,
  cold: null,
  bootMs: null,
  error: status === 'error' ? { code: 'timeout', message: 'x' } : null,
})

test('a test is Done only when a region completed; every region failing says so', () => {
  assert.deepEqual(testOutcome({ state: 'running', results: [row('loading')] }), {
    tone: 'running',
    text: 'Running',
  })
  assert.deepEqual(testOutcome({ state: 'done', results: [row('complete'), row('complete')] }), {
    tone: 'done',
    text: 'Done',
  })
  assert.deepEqual(
    testOutcome({ state: 'done', results: [row('complete'), row('error'), row('complete')] }),
    {
      tone: 'partial',
      text: 'Done, 1 of 3 failed',
    },
  )
  assert.deepEqual(testOutcome({ state: 'done', results: [row('error'), row('error')] }), {
    tone: 'failed',
    text: 'Every region failed',
  })
  assert.equal(testOutcome({ state: 'done', results: [] }).tone, 'failed')
})
