import assert from 'node:assert/strict'
import { it } from 'node:test'
import { compareTests, diffValues } from './compare.ts'
import { emptyMetrics, type RegionResult, type SpeedTest } from './model.ts'

const row = (node: string, region: string, load: number | null, extra: Partial<RegionResult> = {}) =>
  ({
    region,
    node,
    status: load === null ? 'error' : 'complete',
    httpStatus: 200,
    finalUrl: 'https://example.com/',
    metrics: { ...emptyMetrics(), load, ttfb: 100, cls: 0.1 },
    requests: 10,
    transferBytes: 1000,
    cold: false,
    bootMs: 0,
    error: null,
    entries: [{ url: 'https://example.com/', type: 'document', status: 200, start: 0, end: 5, bytes: 9 }],
    ...extra,
  }) satisfies RegionResult

const test = (id: string, results: RegionResult[]): SpeedTest => ({
  id,
  url: 'https://example.com/',
  createdAt: '2026-12-01T00:00:00.000Z',
  state: 'done',
  results,
})

it('differences are b − a, absolute and relative', () => {
  assert.deepEqual(diffValues(900, 720), { a: 900, b: 720, absolute: -180, relative: -0.2 })
  assert.deepEqual(diffValues(0.1, 0.3), { a: 0.1, b: 0.3, absolute: 0.2, relative: 2 })
  assert.deepEqual(diffValues(0, 5), { a: 0, b: 5, absolute: 5, relative: null })
  assert.deepEqual(diffValues(null, 5), { a: null, b: 5, absolute: null, relative: null })
})

it('pairs rows by region, keeps regions only one side has, and leaves the waterfall out', () => {
  const before = test('a', [row('ord-1', 'ord', 900), row('fra-1', 'fra', 1000)])
  const after = test('b', [
    row('ord-2', 'ord', 720, { requests: 8, metrics: { ...emptyMetrics(), load: 720, ttfb: 80, cls: 0.1 } }),
    row('syd-2', 'syd', 2000),
  ])
  const comparison = compareTests(before, after)
  assert.deepEqual(
    comparison.regions.map((r) => [r.region, r.a?.node ?? null, r.b?.node ?? null]),
    [
      ['ord', 'ord-1', 'ord-2'],
      ['fra', 'fra-1', null],
      ['syd', null, 'syd-2'],
    ],
  )
  const ord = comparison.regions[0]
  assert.deepEqual(ord?.diff.load, { a: 900, b: 720, absolute: -180, relative: -0.2 })
  assert.deepEqual(ord?.diff.ttfb, { a: 100, b: 80, absolute: -20, relative: -0.2 })
  assert.deepEqual(ord?.diff.requests, { a: 10, b: 8, absolute: -2, relative: -0.2 })
  assert.deepEqual(ord?.diff.cls, { a: 0.1, b: 0.1, absolute: 0, relative: 0 })
  assert.equal(comparison.regions[1]?.diff.load.absolute, null)
  assert.equal('entries' in (ord?.a ?? {}), false)
  assert.deepEqual([comparison.a.id, comparison.b.id], ['a', 'b'])
})
