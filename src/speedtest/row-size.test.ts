import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyMetrics } from './model.ts'
import type { RegionUpdate } from './protocol.ts'
import { encodeRowUpdate, fitRowUpdate } from './row-size.ts'

const bytes = (u: RegionUpdate) => Buffer.byteLength(JSON.stringify(u))
const entry = (i: number) => ({
  url: `https://a.test/${'x'.repeat(80)}/${i}`,
  type: 'script',
  status: 200,
  start: i,
  end: i + 5,
  bytes: 1000,
})

function bigRow(): RegionUpdate {
  return {
    status: 'complete',
    metrics: { ...emptyMetrics(), load: 812 },
    requests: 200,
    entries: Array.from({ length: 200 }, (_, i) => entry(i)) as RegionUpdate['entries'],
    runs: [1, 2, 3].map(() => ({
      httpStatus: 200,
      metrics: emptyMetrics(),
      requests: 200,
      transferBytes: 1,
      error: null,
      entries: Array.from({ length: 200 }, (_, i) => entry(i)),
    })) as RegionUpdate['runs'],
    gathered: 'g'.repeat(50_000),
    images: [{ name: 'screenshot.jpg', jpeg: 'j'.repeat(100_000) }],
    artifacts: { filmstrip: [{ at: 0, url: '/f0' }], screenshot: '/s' },
  }
}

describe('fitRowUpdate', () => {
  it('leaves a row that fits as it is', () => {
    const row = bigRow()
    assert.equal(fitRowUpdate(row, bytes(row)), row)
  })

  it('leaves out the least needed parts first, only as many as it must, and says which', () => {
    const row = bigRow()
    const withoutRunLogs = bytes({ ...row, runs: row.runs?.map(({ entries: _e, ...r }) => r) })
    const fitted = fitRowUpdate(row, withoutRunLogs + 100)
    assert.deepEqual(fitted.trimmed, ['runEntries'])
    assert.equal(fitted.gathered, row.gathered)
    assert.equal(fitted.runs?.[0]?.entries, undefined)
    assert.ok(bytes(fitted) <= withoutRunLogs + 100)

    const { gathered: _g, images: _i, ...lean } = row
    const leanBytes = bytes({
      ...lean,
      runs: row.runs?.map(({ entries: _e, ...r }) => r),
      artifacts: { filmstrip: [], screenshot: null },
    })
    const tight = fitRowUpdate(row, leanBytes + 100)
    assert.deepEqual(tight.trimmed, ['runEntries', 'gathered', 'images'])
    assert.deepEqual(tight.artifacts, { filmstrip: [], screenshot: null }, 'no links to images left out')
    assert.equal(tight.entries?.length, 200, 'the waterfall stays while the rest makes it fit')
    assert.equal(tight.metrics?.load, 812)
  })

  it('drops the waterfall last, and keeps the numbers whatever the budget', () => {
    const fitted = fitRowUpdate(bigRow(), 1_000)
    assert.deepEqual(fitted.trimmed, ['runEntries', 'gathered', 'images', 'entries'])
    assert.equal(fitted.entries, undefined)
    assert.equal(fitted.metrics?.load, 812)
    assert.equal(fitted.requests, 200)
  })
})

describe('encodeRowUpdate', () => {
  it('is the JSON of the row as fitRowUpdate fits it, whether it fits as it is or not', () => {
    const row = bigRow()
    assert.equal(encodeRowUpdate(row, bytes(row)).text, JSON.stringify(row))
    const budget = bytes(row) - 1
    const text = encodeRowUpdate(row, budget).text
    assert.deepEqual(JSON.parse(text), fitRowUpdate(row, budget))
    assert.ok(Buffer.byteLength(text) <= budget, `${Buffer.byteLength(text)} bytes`)
  })
})
