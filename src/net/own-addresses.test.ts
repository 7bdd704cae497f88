import assert from 'node:assert/strict'
import { networkInterfaces } from 'node:os'
import { describe, it } from 'node:test'
import { isOwnAddress, ownAddresses } from './own-addresses.ts'

describe('own addresses', () => {
  it('are the addresses of every interface, in canonical form', () => {
    const expected = Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .map((entry) => entry.address.split('%')[0]!.toLowerCase())
    assert.ok(expected.includes('127.0.0.1'), 'loopback is up')
    const own = ownAddresses()
    for (const address of expected) assert.ok(isOwnAddress(address, own), address)
  })
  it('match other spellings of the same address, and nothing else', () => {
    const own = new Set(['127.0.0.1', '2001:db8::1'])
    assert.ok(isOwnAddress('::ffff:127.0.0.1', own))
    assert.ok(isOwnAddress('2001:DB8:0::1', own))
    assert.ok(!isOwnAddress('127.0.0.2', own))
    assert.ok(!isOwnAddress('example.com', own))
  })
})
