import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeRegion, knownRegion, listRegions } from './regions.ts'

const FLY_REGIONS =
  'ams arn bog bom cdg den dfw ewr eze fra gdl gig gru hkg iad jnb lax lhr mad mia nrt ord otp phx qro scl sea sin sjc syd waw yul yyz'.split(
    ' ',
  )

describe('region catalogue', () => {
  it('knows every Fly.io region code, each with a plausible place', () => {
    for (const code of FLY_REGIONS) {
      const region = knownRegion(code)
      assert.ok(region, `missing ${code}`)
      assert.equal(region.code, code)
      assert.ok(region.city.length > 1)
      assert.match(region.country, /^[A-Z]{2}$/)
      assert.ok(region.lat >= -90 && region.lat <= 90, `${code} lat`)
      assert.ok(region.lon >= -180 && region.lon <= 180, `${code} lon`)
    }
  })

  it('places regions where they are', () => {
    assert.deepEqual(describeRegion('syd'), {
      code: 'syd',
      city: 'Sydney',
      country: 'AU',
      lat: -33.95,
      lon: 151.18,
    })
    assert.equal(describeRegion('fra').country, 'DE')
    assert.ok(describeRegion('gru').lat! < 0, 'São Paulo is south of the equator')
    assert.ok(describeRegion('nrt').lon! > 100, 'Tokyo is far east')
    assert.ok(describeRegion('lax').lon! < -100, 'Los Angeles is far west')
  })

  it('is case-insensitive and falls back to the bare code for unknown regions', () => {
    assert.equal(describeRegion('ORD').city, 'Chicago')
    assert.deepEqual(describeRegion('local'), { code: 'local', city: 'local' })
    assert.equal(knownRegion('local'), undefined)
    assert.equal(knownRegion('constructor'), undefined, 'no prototype keys leak in')
  })

  it('lists every region once, sorted by code', () => {
    const codes = listRegions().map((r) => r.code)
    assert.deepEqual(codes, [...codes].sort())
    assert.equal(new Set(codes).size, codes.length)
    for (const code of FLY_REGIONS) assert.ok(codes.includes(code))
  })
})
