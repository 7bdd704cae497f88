import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, parseTrustProxy, readConfig } from './config.ts'

describe('config', () => {
  it('trusts no proxy unless WPS_TRUST_PROXY says so', () => {
    for (const off of [undefined, '', '0', 'false', 'off']) assert.equal(parseTrustProxy(off), false)
    assert.equal(parseTrustProxy('true'), true)
    assert.equal(parseTrustProxy('2'), 2)
    assert.equal(parseTrustProxy('127.0.0.1, 10.0.0.0/8,loopback'), '127.0.0.1,10.0.0.0/8,loopback')
    assert.equal(parseTrustProxy('fd00::/8'), 'fd00::/8')
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/9']) {
      assert.throws(() => parseTrustProxy(bad), ConfigError, bad)
    }
    assert.equal(readConfig({}).trustProxy, false)
  })

  it('reads WPS_PUBLIC_URL as an http(s) URL', () => {
    assert.equal(readConfig({}).publicUrl, null)
    assert.equal(
      readConfig({ WPS_PUBLIC_URL: 'https://speed.example.com' }).publicUrl,
      'https://speed.example.com/',
    )
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'ftp://x' }), /WPS_PUBLIC_URL/)
    assert.throws(() => readConfig({ WPS_PUBLIC_URL: 'not a url' }), /WPS_PUBLIC_URL/)
  })
})
