import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { listRegions } from '../regions/regions.ts'
import { DEFAULT_TARGET_REGION, estimateRttMs, greatCircleKm, rttTable } from './rtt.ts'

describe('round-trip estimates between regions', () => {
  it('grows with distance: Sydney is further from Ashburn than Chicago is', () => {
    const syd = estimateRttMs('syd', 'iad')!
    const ord = estimateRttMs('ord', 'iad')!
    assert.ok(syd > ord * 5, `syd↔iad ${syd} ms vs ord↔iad ${ord} ms`)
    assert.ok(ord >= 10 && ord <= 30, `ord↔iad ${ord} ms (measured pings: ~18–20 ms)`)
    assert.ok(syd >= 180 && syd <= 280, `syd↔iad ${syd} ms (measured pings: ~200–230 ms)`)
    const lhr = estimateRttMs('lhr', 'iad')!
    assert.ok(lhr >= 65 && lhr <= 110, `lhr↔iad ${lhr} ms (measured pings: ~75–80 ms)`)
  })

  it('is symmetric and small within a region', () => {
    const codes = listRegions().map((r) => r.code)
    for (const a of codes) {
      assert.ok(estimateRttMs(a, a)! <= 5, `${a}↔${a}`)
      for (const b of codes) assert.equal(estimateRttMs(a, b), estimateRttMs(b, a), `${a}↔${b}`)
    }
  })

  it(`assumes the target sits in ${DEFAULT_TARGET_REGION} unless told`, () => {
    assert.equal(estimateRttMs('fra'), estimateRttMs('fra', 'iad'))
    assert.notEqual(estimateRttMs('fra'), estimateRttMs('fra', 'sin'))
  })

  it('has no estimate for regions it does not know', () => {
    assert.equal(estimateRttMs('local'), null)
    assert.equal(estimateRttMs('fra', 'local'), null)
  })

  it('measures great circles on the real Earth', () => {
    // London–New York is about 5,570 km.
    const km = greatCircleKm(51.5074, -0.1278, 40.7128, -74.006)
    assert.ok(Math.abs(km - 5570) < 30, `${km} km`)
    assert.equal(greatCircleKm(10, 20, 10, 20), 0)
  })

  it('builds a full table for a set of regions, leaving unknown ones out', () => {
    const table = rttTable(['ord', 'syd', 'local'])
    assert.deepEqual(Object.keys(table).sort(), ['ord', 'syd'])
    assert.equal(table.ord?.syd, estimateRttMs('ord', 'syd'))
    assert.equal(table.syd?.syd, estimateRttMs('syd', 'syd'))
  })
})
