import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyMetrics, type RegionResult, type SpeedTest } from '../speedtest/model.ts'
import { elapsedPrefix, progressLine, resultTable } from './report.ts'

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

describe('resultTable', () => {
  const row: RegionResult = {
    region: 'ord',
    node: 'ord-1',
    status: 'complete',
    httpStatus: 200,
    finalUrl: 'https://a.test/',
    metrics: { ...emptyMetrics(), load: 812 },
    requests: 5,
    transferBytes: 188_906,
    cold: false,
    bootMs: 0,
    error: null,
  }
  const test = (r: RegionResult): SpeedTest => ({
    id: 'x',
    url: 'https://a.test/',
    createdAt: '',
    state: 'done',
    results: [r],
  })

  it('shows a repeat view on the line below its first view, and how much came from the cache', () => {
    const table = resultTable(
      test({
        ...row,
        repeatView: {
          httpStatus: 200,
          finalUrl: 'https://a.test/',
          metrics: { ...emptyMetrics(), load: 63 },
          requests: 5,
          transferBytes: 534,
          cachedRequests: 4,
          error: null,
        },
      }),
    )
    const lines = table.split('\n')
    assert.match(lines[2] ?? '', /^ord\s+complete\s+200.*812 ms\s+5\s+/)
    assert.match(lines[3] ?? '', /^ord\s+repeat view\s+200.*63 ms\s+5\s+534 B/)
    assert.match(table, /ord repeat view: 4 of 5 requests from the browser's cache/)
  })

  it('has no repeat line without a repeat view', () => {
    assert.doesNotMatch(resultTable(test(row)), /repeat/)
  })
})
