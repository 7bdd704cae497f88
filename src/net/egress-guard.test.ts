import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { blockedCode, parseBlockedCode, publicAddressesOnly } from './egress-guard.ts'

describe('publicAddressesOnly: the egress guard in production', () => {
  const cases: Array<[string, string | null]> = [
    ['93.184.216.34', null],
    ['2606:2800:220:1:248:1893:25c8:1946', null],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['::ffff:10.0.0.5', 'private'],
    ['fd00::1', 'private'],
  ]
  for (const [address, refused] of cases) {
    it(`${address} → ${refused ?? 'allowed'}`, () => assert.equal(publicAddressesOnly(address, 443), refused))
  }
})

describe('blocked codes', () => {
  it('round-trip reason and address, IPv6 included', () => {
    assert.equal(blockedCode('private', '10.0.0.5'), 'EBLOCKED:private:10.0.0.5')
    assert.deepEqual(parseBlockedCode('EBLOCKED:private:10.0.0.5'), {
      reason: 'private',
      address: '10.0.0.5',
    })
    assert.deepEqual(parseBlockedCode(blockedCode('loopback', '::1')), { reason: 'loopback', address: '::1' })
  })
  it('keep only safe characters, so a code can travel in a header', () => {
    const code = blockedCode('Not\r\nAllowed: x', 'fe80::1%eth0\r\n')
    assert.doesNotMatch(code, /[\r\n ]/)
    assert.ok(parseBlockedCode(code), code)
  })
  it('are not confused with errno codes', () => {
    assert.equal(parseBlockedCode('ECONNREFUSED'), null)
    assert.equal(parseBlockedCode('EBLOCKED'), null)
    assert.equal(parseBlockedCode('EBLOCKED:private:10.0.0.5\r\nx: y'), null)
  })
})
