import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseAllowTargets } from './allow-targets.ts'
import {
  blockedCode,
  createEgressGuard,
  describeRefusal,
  parseBlockedCode,
  publicAddressesOnly,
} from './egress-guard.ts'

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
    ['::127.0.0.1', 'loopback'],
    ['2002:a00:5::1', 'private'],
    ['fec0::1', 'site-local'],
    ['203.0.113.9', 'documentation'],
  ]
  for (const [address, refused] of cases) {
    it(`${address} → ${refused ?? 'allowed'}`, () => assert.equal(publicAddressesOnly(address, 443), refused))
  }
})

describe('createEgressGuard: WPS_ALLOW_TARGETS and this machine', () => {
  const own = () => new Set(['127.0.0.1', '::1', '93.184.216.34'])
  const guard = createEgressGuard({
    allowTargets: parseAllowTargets('10.1.2.0/24,127.0.0.1:8080,169.254.0.0/16'),
    ownAddresses: own,
  })
  const cases: Array<[string, number, string | null]> = [
    ['10.1.2.3', 5432, null],
    ['10.1.3.3', 5432, 'private'],
    ['127.0.0.1', 8080, null],
    ['::ffff:127.0.0.1', 8080, null],
    ['127.0.0.1', 8081, 'loopback'],
    ['::ffff:127.0.0.1', 8081, 'loopback'],
    ['::127.0.0.1', 8080, 'loopback'],
    ['169.254.10.10', 80, null],
    // An allowed block does not open the metadata address inside it.
    ['169.254.169.254', 80, 'metadata'],
    ['::ffff:169.254.169.254', 80, 'metadata'],
    ['64:ff9b::a9fe:a9fe', 80, 'metadata'],
    // A public address of this very machine is refused, in any spelling.
    ['93.184.216.34', 443, 'own-address'],
    ['::ffff:93.184.216.34', 443, 'own-address'],
    ['93.184.216.35', 443, null],
  ]
  for (const [address, port, refused] of cases) {
    it(`${address}:${port} → ${refused ?? 'allowed'}`, () => assert.equal(guard(address, port), refused))
  }
  it('the default guard reads the real interfaces: loopback is this machine too', () => {
    assert.equal(createEgressGuard({ allowTargets: parseAllowTargets('127.0.0.0/8') })('127.0.0.1', 80), null)
    assert.equal(createEgressGuard()('127.0.0.1', 80), 'loopback')
  })
  it('describes refusals in words', () => {
    assert.equal(describeRefusal('private'), 'a private address')
    assert.equal(describeRefusal('link-local'), 'a link-local address')
    assert.equal(describeRefusal('unspecified'), 'an unspecified address')
    assert.equal(describeRefusal('own-address'), "one of this machine's own addresses")
  })
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
