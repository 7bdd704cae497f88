import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics, type RepeatViewResult } from '../../../../src/speedtest/model.ts'
import { repeatSavings } from './savings.ts'

const repeat = (transferBytes: number, load: number | null): RepeatViewResult => ({
  httpStatus: 200,
  finalUrl: 'https://a.test/',
  metrics: { ...emptyMetrics(), load },
  requests: 5,
  transferBytes,
  cachedRequests: 4,
  error: null,
})

test('bytes saved as a share of the first view, load time saved, cached requests in words', () => {
  const saved = repeatSavings(
    { transferBytes: 200_000, metrics: { ...emptyMetrics(), load: 434 } },
    repeat(500, 63),
  )
  assert.equal(saved.bytesSaved, 0.9975)
  assert.equal(saved.loadSavedMs, 371)
  assert.equal(saved.cached, '4 of 5 requests from the cache')
})

test('no figure where a view has none, and never a negative saving of bytes', () => {
  const saved = repeatSavings({ transferBytes: null, metrics: emptyMetrics() }, repeat(500, 63))
  assert.equal(saved.bytesSaved, null)
  assert.equal(saved.loadSavedMs, null)
  assert.equal(
    repeatSavings({ transferBytes: 100, metrics: emptyMetrics() }, repeat(500, null)).bytesSaved,
    0,
  )
})
