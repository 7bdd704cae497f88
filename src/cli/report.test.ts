import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyMetrics } from '../speedtest/model.ts'
import { elapsedPrefix, progressLine } from './report.ts'

describe('elapsedPrefix', () => {
  it('shows seconds since the start with one decimal, aligned', () => {
    assert.equal(elapsedPrefix(1000, 1000), '[  0.0 s]')
    assert.equal(elapsedPrefix(1000, 2260), '[  1.3 s]')
    assert.equal(elapsedPrefix(0, 123_456), '[123.5 s]')
  })
})

describe('progressLine', () => {
  it('says a waiting region is queued, with its place in line', () => {
    const row = {
      region: 'ord',
      node: 'n1',
      status: 'queued' as const,
      queuePosition: 2,
      httpStatus: null,
      finalUrl: null,
      metrics: emptyMetrics(),
      requests: null,
      transferBytes: null,
      cold: null,
      bootMs: null,
      error: null,
    }
    assert.equal(progressLine(row), 'ord  Queued (2 ahead)')
    assert.equal(progressLine({ ...row, status: 'starting' }), 'ord  Starting browser')
  })
})
