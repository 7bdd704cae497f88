import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeCls, computeLcp, computeMetrics, computeTbt } from './metrics.ts'
import type { RawLcpEntry, RawPageMetrics } from './page-script.ts'

const lcp = (
  renderTime: number,
  loadTime: number,
  startTime = Math.max(renderTime, loadTime),
): RawLcpEntry => ({
  startTime,
  renderTime,
  loadTime,
  size: 1000,
  url: '',
})
const shift = (startTime: number, value: number, hadRecentInput = false) => ({
  startTime,
  value,
  hadRecentInput,
})

describe('computeLcp', () => {
  it('takes the last candidate, at max(renderTime, loadTime)', () => {
    assert.equal(computeLcp([lcp(100, 0), lcp(480, 450)]), 480)
  })
  it('falls back to loadTime when renderTime is hidden (cross-origin image without Timing-Allow-Origin)', () => {
    assert.equal(computeLcp([lcp(0, 300)]), 300)
  })
  it('is null without entries', () => {
    assert.equal(computeLcp([]), null)
  })
})

describe('computeCls', () => {
  it('is 0 without shifts', () => {
    assert.equal(computeCls([]), 0)
  })
  it('sums shifts less than 1 s apart into one window', () => {
    assert.equal(computeCls([shift(100, 0.1), shift(900, 0.2), shift(1800, 0.05)]), 0.1 + 0.2 + 0.05)
  })
  it('starts a new window after a gap of more than 1 s and keeps the largest', () => {
    const cls = computeCls([shift(100, 0.1), shift(1000, 0.05), shift(3000, 0.08), shift(3500, 0.04)])
    assert.ok(Math.abs(cls - 0.15) < 1e-9, `${cls}`)
    assert.equal(computeCls([shift(100, 0.1), shift(1101, 0.3)]), 0.3)
  })
  it('caps a window at 5 s even without gaps', () => {
    const steady = Array.from({ length: 12 }, (_, i) => shift(i * 900, 0.1))
    // 0, 900 … 4500 fit in the first window (6 shifts); 5400 starts a new one.
    assert.ok(Math.abs(computeCls(steady) - 0.6) < 1e-9)
  })
  it('ignores shifts that follow user input', () => {
    assert.equal(computeCls([shift(100, 0.5, true), shift(200, 0.1)]), 0.1)
  })
  it('does not depend on the order the entries arrive in', () => {
    assert.equal(
      computeCls([shift(900, 0.2), shift(100, 0.1)]),
      computeCls([shift(100, 0.1), shift(900, 0.2)]),
    )
  })
})

describe('computeTbt', () => {
  it('sums the time beyond 50 ms of tasks after FCP', () => {
    const tasks = [
      { startTime: 500, duration: 250 },
      { startTime: 900, duration: 70 },
      { startTime: 1200, duration: 50 },
    ]
    assert.equal(computeTbt(tasks, 100), 200 + 20)
  })
  it('ignores tasks before FCP and counts only the part of a straddling task after it', () => {
    const tasks = [
      { startTime: 0, duration: 90 },
      { startTime: 50, duration: 200 },
    ]
    assert.equal(computeTbt(tasks, 100), 150 - 50)
  })
  it('is null without an FCP', () => {
    assert.equal(computeTbt([{ startTime: 0, duration: 300 }], null), null)
  })
})

describe('computeMetrics', () => {
  const raw: RawPageMetrics = {
    navigation: {
      responseStart: 42.4,
      domContentLoadedEventStart: 120,
      domContentLoadedEventEnd: 125,
      loadEventStart: 300,
      loadEventEnd: 301,
    },
    paint: [
      { name: 'first-paint', startTime: 80 },
      { name: 'first-contentful-paint', startTime: 90 },
    ],
    lcp: [lcp(90, 0), lcp(350, 320)],
    layoutShifts: [shift(400, 0.12)],
    longTasks: [{ startTime: 200, duration: 120 }],
  }
  it('reads each metric from its raw source', () => {
    assert.deepEqual(computeMetrics(raw), {
      ttfb: 42.4,
      fcp: 90,
      lcp: 350,
      cls: 0.12,
      tbt: 70,
      domContentLoaded: 120,
      load: 300,
    })
  })
  it('reports events that never fired as null (the navigation entry says 0)', () => {
    const unfinished = { ...raw, navigation: { ...raw.navigation!, loadEventStart: 0, loadEventEnd: 0 } }
    assert.equal(computeMetrics(unfinished).load, null)
  })
  it('is all null when nothing could be read from the page', () => {
    assert.deepEqual(Object.values(computeMetrics(null)), [null, null, null, null, null, null, null])
  })
})
