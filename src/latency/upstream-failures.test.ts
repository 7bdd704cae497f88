import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { proxyUrlFromSwitch } from '../net/ask-proxy.ts'
import { authorityOf, UpstreamFailures } from './upstream-failures.ts'

describe('UpstreamFailures', () => {
  it('tells the latest failure of an authority, and how old it is', () => {
    const failures = new UpstreamFailures()
    failures.note('Example.com:443', 'ENOTFOUND', 1000)
    failures.note('example.com:443', 'ECONNREFUSED', 1500)
    assert.deepEqual(failures.latest('example.com:443', 1600), { code: 'ECONNREFUSED', ageMs: 100 })
    assert.equal(failures.latest('example.com:80', 1600), null)
  })

  it('forgets after ttlMs, after a success, and beyond capacity (oldest first)', () => {
    const failures = new UpstreamFailures(100, 2)
    failures.note('a:1', 'ECONNREFUSED', 0)
    assert.equal(failures.latest('a:1', 101), null)
    failures.note('b:1', 'ECONNREFUSED', 0)
    failures.forget('b:1')
    assert.equal(failures.latest('b:1', 1), null)
    failures.note('c:1', 'E1', 0)
    failures.note('d:1', 'E2', 0)
    failures.note('c:1', 'E3', 0) // refreshed: now newer than d
    failures.note('e:1', 'E4', 0)
    assert.equal(failures.latest('d:1', 1), null)
    assert.equal(failures.latest('c:1', 1)?.code, 'E3')
    assert.equal(failures.latest('e:1', 1)?.code, 'E4')
  })
})

describe('authorityOf', () => {
  it('names the target as a CONNECT line would', () => {
    assert.equal(authorityOf('https://Example.com/x?y'), 'example.com:443')
    assert.equal(authorityOf('http://example.com/'), 'example.com:80')
    assert.equal(authorityOf('https://127.0.0.1:8443/'), '127.0.0.1:8443')
    assert.equal(authorityOf('https://[::1]/'), '[::1]:443')
    assert.equal(authorityOf('data:,hi'), null)
    assert.equal(authorityOf('not a url'), null)
  })
})

describe('proxyUrlFromSwitch', () => {
  it('reads the forms of --proxy-server that name a plain-http proxy', () => {
    assert.equal(proxyUrlFromSwitch('127.0.0.1:9000'), 'http://127.0.0.1:9000')
    assert.equal(proxyUrlFromSwitch('http://127.0.0.1:9000'), 'http://127.0.0.1:9000')
    assert.equal(proxyUrlFromSwitch('http=a:1;https=127.0.0.1:2'), 'http://127.0.0.1:2')
  })
  it('gives null for proxies it cannot ask', () => {
    assert.equal(proxyUrlFromSwitch('socks5://127.0.0.1:1080'), null)
    assert.equal(proxyUrlFromSwitch('https://127.0.0.1:9000'), null)
    assert.equal(proxyUrlFromSwitch('http=a:1'), null)
  })
})
