import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  formatBytes,
  formatCls,
  formatCount,
  formatDelta,
  formatMs,
  formatPercent,
  formatThreshold,
  MISSING,
  rate,
} from './format.ts'
import { METRICS, RATING_ICON, RATING_TEXT, statusText } from './words.ts'

test('formatMs keeps milliseconds below one second and switches to seconds at 1000 ms', () => {
  assert.equal(formatMs(0), '0 ms')
  assert.equal(formatMs(412.4), '412 ms')
  assert.equal(formatMs(999.4), '999 ms')
  assert.equal(formatMs(999.6), '1.00 s')
  assert.equal(formatMs(1000), '1.00 s')
  assert.equal(formatMs(1834), '1.83 s')
  assert.equal(formatMs(12_345), '12.35 s')
})

test('formatBytes uses B, KB and MB in binary units', () => {
  assert.equal(formatBytes(0), '0 B')
  assert.equal(formatBytes(512), '512 B')
  assert.equal(formatBytes(1024), '1.0 KB')
  assert.equal(formatBytes(1536), '1.5 KB')
  assert.equal(formatBytes(150 * 1024), '150 KB')
  assert.equal(formatBytes(1_572_864), '1.50 MB')
})

test('formatCls shows three decimals without a unit', () => {
  assert.equal(formatCls(0), '0.000')
  assert.equal(formatCls(0.04213), '0.042')
  assert.equal(formatCls(0.25), '0.250')
})

test('formatCount rounds to a whole number', () => {
  assert.equal(formatCount(12), '12')
  assert.equal(formatCount(0), '0')
})

test('a value that was not measured is an em dash, never zero', () => {
  for (const format of [formatMs, formatBytes, formatCls, formatCount]) {
    assert.equal(format(null), MISSING)
    assert.equal(format(undefined), MISSING)
    assert.equal(format(Number.NaN), MISSING)
  }
  assert.equal(MISSING, '—')
})

test('rate compares a metric with the web-vitals thresholds', () => {
  assert.equal(rate('lcp', 2500), 'good')
  assert.equal(rate('lcp', 2501), 'needs-improvement')
  assert.equal(rate('lcp', 4001), 'poor')
  assert.equal(rate('cls', 0.05), 'good')
  assert.equal(rate('cls', 0.3), 'poor')
  assert.equal(rate('tbt', null), null)
})

test('status words are the same for the terminal and the page', () => {
  assert.equal(statusText('error'), 'Failed')
  assert.equal(statusText('starting'), 'Starting browser')
  assert.equal(statusText('queued'), 'Queued')
  assert.equal(statusText('queued', 3), 'Queued (3 ahead)')
  assert.equal(statusText('something-new'), 'something-new')
})

test('ratings come in words and a symbol, not colour alone', () => {
  assert.equal(RATING_TEXT[rate('lcp', 3000) ?? 'good'], 'Needs improvement')
  assert.notEqual(RATING_ICON.good, RATING_ICON.poor)
  assert.equal(formatThreshold('lcp', METRICS.lcp.good), '2.50 s')
  assert.equal(formatThreshold('cls', METRICS.cls.poor), '0.25')
})

test('differences are signed in their unit, and zero is neither better nor worse', () => {
  assert.equal(formatDelta('ms', 120.4), '+120 ms')
  assert.equal(formatDelta('ms', -1834), '−1.83 s')
  assert.equal(formatDelta('ms', 0.2), '±0 ms')
  assert.equal(formatDelta('cls', -0.05), '−0.050')
  assert.equal(formatDelta('count', 3), '+3')
  assert.equal(formatDelta('bytes', 1536), '+1.5 KB')
  assert.equal(formatDelta('ms', null), MISSING)
  assert.equal(formatPercent(-0.2), '−20 %')
  assert.equal(formatPercent(0.001), '±0 %')
})
