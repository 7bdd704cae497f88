import assert from 'node:assert/strict'
import { it } from 'node:test'
import { emptyMetrics, type RegionResult } from './model.ts'
import { fromStoredRow, summarize, toRowInput, toSpeedTest } from './records.ts'

const result: RegionResult = {
  region: 'ord',
  node: 'ord-1',
  status: 'complete',
  httpStatus: 200,
  finalUrl: 'https://example.com/',
  metrics: { ...emptyMetrics(), load: 700, ttfb: 40 },
  requests: 2,
  transferBytes: 2048,
  cold: true,
  bootMs: 800,
  error: null,
  updatedAt: 1_700_000_000_000,
  entries: [{ url: 'https://example.com/', type: 'document', status: 200, start: 0, end: 40, bytes: 2048 }],
}

it('keeps the network log beside the row and puts it back on a full read', () => {
  const row = toRowInput(result, 2)
  assert.equal(row.position, 2)
  assert.equal('entries' in row.body, false, 'the row body carries no waterfall')
  assert.deepEqual(row.artifacts, { entries: result.entries })
  const back = fromStoredRow({ ...row, artifacts: row.artifacts ?? {} })
  assert.deepEqual(back, result)
  const listed = fromStoredRow({ ...row, artifacts: {} })
  assert.equal(listed.entries, undefined)
})

it('keeps each run’s network log beside the row too, and puts it back on its run', () => {
  const log = [{ url: 'https://example.com/', type: 'document', status: 200, start: 0, end: 55, bytes: 2048 }]
  const run = { httpStatus: 200, metrics: result.metrics, requests: 1, transferBytes: 2048, error: null }
  const repeated = { ...result, runCount: 2, medianRun: 0, runs: [run, { ...run, entries: log }] }
  const row = toRowInput(repeated, 0)
  assert.equal(JSON.stringify(row.body).includes('"entries"'), false, 'no log in the body')
  assert.deepEqual(row.artifacts, { entries: result.entries, runEntries: [null, log] })
  assert.deepEqual(fromStoredRow({ ...row, artifacts: row.artifacts ?? {} }), repeated)
})

it('reads a row with an unknown status as an error row, and fills missing fields', () => {
  const odd = fromStoredRow({
    node: 'n',
    region: 'r',
    status: 'exploded',
    body: { metrics: 'no' },
    artifacts: {},
  })
  assert.equal(odd.status, 'error')
  assert.equal(odd.error?.code, 'internal')
  assert.deepEqual(odd.metrics, emptyMetrics())
  assert.equal(odd.httpStatus, null)
})

it('summarises a test without its waterfall', () => {
  const test = toSpeedTest({
    id: 't',
    url: 'https://example.com/',
    createdAt: '2026-12-01T00:00:00.000Z',
    state: 'done',
    owner: 'ord-1',
    rows: [{ ...toRowInput(result, 0), artifacts: { entries: result.entries } }],
  })
  assert.equal(test.results[0]?.entries?.length, 1)
  assert.deepEqual(summarize(test).results, [
    {
      region: 'ord',
      node: 'ord-1',
      status: 'complete',
      httpStatus: 200,
      metrics: result.metrics,
      requests: 2,
      transferBytes: 2048,
      error: null,
    },
  ])
})
