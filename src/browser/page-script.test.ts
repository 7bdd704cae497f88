import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asRawPageMetrics, parseSnapshot, type RawPageMetrics } from './page-script.ts'

const good: RawPageMetrics = {
  navigation: {
    responseStart: 10,
    domContentLoadedEventStart: 40,
    domContentLoadedEventEnd: 41,
    loadEventStart: 50,
    loadEventEnd: 0,
  },
  paint: [{ name: 'first-contentful-paint', startTime: 30 }],
  lcp: [{ startTime: 30, renderTime: 30, loadTime: 0, size: 900, url: '' }],
  layoutShifts: [{ startTime: 35, value: 0.01, hadRecentInput: false }],
  longTasks: [{ startTime: 60, duration: 80 }],
}

describe('parseSnapshot', () => {
  it('accepts what the collector pushes', () => {
    assert.deepEqual(parseSnapshot(JSON.stringify(good)), good)
    assert.deepEqual(parseSnapshot(JSON.stringify({ ...good, navigation: null }))?.navigation, null)
  })
  it('refuses anything of another shape', () => {
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...good, paint: 'no' },
      { ...good, lcp: [{ startTime: 'soon' }] },
      { ...good, navigation: { responseStart: 1 } },
      { ...good, longTasks: [{ startTime: 1, duration: null }] },
    ]
    for (const value of bad) assert.equal(parseSnapshot(JSON.stringify(value)), null, JSON.stringify(value))
    assert.equal(parseSnapshot('{not json'), null)
    assert.equal(asRawPageMetrics(undefined), null)
    assert.deepEqual(asRawPageMetrics(good), good)
  })
})
