import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyMetrics } from '../../../../src/speedtest/model.ts'
import type { RegionInfo, RegionResult } from '../../api.ts'
import { markersFor } from './markers.ts'

const row = (region: string, patch: Partial<RegionResult> = {}): RegionResult => ({
  region,
  node: `${region}-1`,
  status: 'complete',
  httpStatus: 200,
  finalUrl: null,
  metrics: { ...emptyMetrics(), lcp: 1200, load: 1500 },
  requests: 3,
  transferBytes: 1000,
  cold: false,
  bootMs: null,
  error: null,
  ...patch,
})
const info = (region: string, lat: number, lon: number, city: string): RegionInfo => ({
  region,
  node: `${region}-1`,
  machineId: 'm',
  capacity: 1,
  lat,
  lon,
  city,
})

test('each row becomes a marker at its region, toned by state then by LCP rating', () => {
  const markers = markersFor(
    [
      row('ord'),
      row('fra', { status: 'loading', metrics: emptyMetrics() }),
      row('syd', { metrics: { ...emptyMetrics(), lcp: 5000 } }),
      row('gru', { status: 'queued', queuePosition: 2, metrics: emptyMetrics() }),
    ],
    [
      info('ord', 41.98, -87.9, 'Chicago'),
      info('fra', 50.03, 8.57, 'Frankfurt'),
      info('syd', -33.9, 151.2, 'Sydney'),
    ],
  )
  assert.deepEqual(
    markers.map((m) => [m.region, m.tone, m.headline, m.at !== null]),
    [
      ['ord', 'good', 'LCP 1.20 s', true],
      ['fra', 'loading', 'Loading page', true],
      ['syd', 'poor', 'LCP 5.00 s', true],
      ['gru', 'queued', 'Queued (2 ahead)', false],
    ],
  )
  assert.equal(markers[0]?.city, 'Chicago')
})

test('an error page is never toned good, and a failed region says so', () => {
  const [notFound, httpError, failed] = markersFor(
    [
      row('ord', { httpStatus: 404, metrics: { ...emptyMetrics(), lcp: 100 } }),
      row('ams', { status: 'error', httpStatus: 500, error: { code: 'http_error', message: 'x' } }),
      row('fra', { status: 'error', error: { code: 'timeout', message: 'x' } }),
    ],
    [],
  )
  assert.equal(notFound?.tone, 'error-page')
  assert.equal(notFound?.headline, 'HTTP 404')
  assert.equal(httpError?.tone, 'error-page')
  assert.equal(failed?.tone, 'error')
  assert.equal(failed?.headline, 'Failed')
})
