import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatIp, inCidr, parseCidr, parseIp } from './ip.ts'

describe('parseIp / formatIp', () => {
  it('reads dotted quads and every IPv6 spelling', () => {
    assert.deepEqual(parseIp('10.1.2.3'), { version: 4, value: 0x0a010203n })
    assert.deepEqual(parseIp('::ffff:10.1.2.3'), { version: 6, value: 0xffff0a010203n })
    assert.deepEqual(parseIp('[::ffff:a01:203]'), { version: 6, value: 0xffff0a010203n })
    assert.deepEqual(parseIp('fe80::1%eth0'), { version: 6, value: (0xfe80n << 112n) + 1n })
    assert.equal(parseIp('2001:db8:0:0:0:0:0:1')?.value, parseIp('2001:db8::1')?.value)
  })
  it('refuses what is not a literal', () => {
    for (const text of ['', '10.1.2', '256.1.1.1', '0x7f.1', 'example.com', '::g', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(parseIp(text), null, text)
    }
  })
  it('writes the canonical form', () => {
    for (const text of [
      '10.1.2.3',
      '::',
      '::1',
      '2001:db8::1',
      '::ffff:10.1.2.3',
      '2001:0:1::1:0:1',
      '2001:db8:0:1:1:1:1:1',
      'fe80::',
    ]) {
      assert.equal(formatIp(parseIp(text)!), text)
    }
  })
})

describe('parseCidr / inCidr', () => {
  it('clears host bits and matches by prefix', () => {
    const block = parseCidr('10.1.2.9/24')!
    assert.equal(block.bits, 24)
    assert.ok(inCidr(parseIp('10.1.2.255')!, block))
    assert.ok(!inCidr(parseIp('10.1.3.0')!, block))
    assert.ok(!inCidr(parseIp('::ffff:10.1.2.1')!, block), 'another family is another space')
    assert.ok(inCidr(parseIp('2001:db8:ffff::1')!, parseCidr('2001:db8::/32')!))
    assert.equal(parseCidr('10.0.0.1')?.bits, 32)
  })
  it('refuses bad prefixes', () => {
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0.0/8/8', '10.0.0.0/', 'host/8']) {
      assert.equal(parseCidr(text), null, text)
    }
  })
})
