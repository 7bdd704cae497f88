import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { findChrome } from './chrome-path.ts'
import { chromiumArgs, measurementContext, proxyHost } from './launch.ts'

describe('findChrome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wps-chrome-path-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const executable = join(dir, 'chrome')
  writeFileSync(executable, '#!/bin/sh\n')
  chmodSync(executable, 0o755)
  const plainFile = join(dir, 'not-executable')
  writeFileSync(plainFile, '')

  it('uses CHROME_PATH when it is an executable', () => {
    assert.equal(findChrome({ CHROME_PATH: executable }, []), executable)
  })
  it('rejects a CHROME_PATH that is not executable, naming the variable', () => {
    assert.throws(
      () => findChrome({ CHROME_PATH: plainFile }, [executable]),
      /CHROME_PATH=.*apt-get install chromium/,
    )
  })
  it('takes the first candidate that exists', () => {
    assert.equal(findChrome({}, [join(dir, 'missing'), plainFile, executable]), executable)
  })
  it('says how to install when nothing is found', () => {
    assert.throws(
      () => findChrome({}, [join(dir, 'missing')]),
      (error: Error) => {
        assert.match(error.message, /CHROME_PATH/)
        assert.match(error.message, /apt-get install chromium/)
        return true
      },
    )
  })
})

describe('chromiumArgs', () => {
  it('has the flags this machine needs and those that keep the browser off the network', () => {
    const args = chromiumArgs()
    for (const flag of [
      '--no-sandbox',
      '--headless=new',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-pings',
      '--webrtc-ip-handling-policy=disable_non_proxied_udp',
    ]) {
      assert.ok(args.includes(flag), flag)
    }
    const features =
      args
        .find((a) => a.startsWith('--disable-features='))
        ?.split('=')[1]
        ?.split(',') ?? []
    for (const feature of ['OptimizationHints', 'NetworkTimeServiceQuerying', 'DnsOverHttps']) {
      assert.ok(features.includes(feature), feature)
    }
    assert.ok(!args.some((a) => a.startsWith('--proxy-server')))
    // Without a proxy the browser must resolve the page's names itself.
    assert.ok(!args.some((a) => a.startsWith('--host-resolver-rules')))
  })
  it('with a proxy, resolves no name itself and leaves the proxy to the measurement contexts', () => {
    const args = chromiumArgs({ proxyServer: 'http://127.0.0.1:9000' })
    assert.ok(args.includes('--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'))
    assert.ok(!args.some((a) => a.startsWith('--proxy-server')))
    assert.deepEqual(measurementContext('http://127.0.0.1:9000'), {
      proxyServer: 'http://127.0.0.1:9000',
      proxyBypassList: ['<-loopback>'],
    })
    assert.deepEqual(measurementContext(undefined), {})
  })
  it('finds the host of a proxy given with or without a scheme', () => {
    assert.equal(proxyHost('127.0.0.1:9000'), '127.0.0.1')
    assert.equal(proxyHost('http://127.0.0.1:9000'), '127.0.0.1')
    assert.equal(proxyHost('[::1]:9000'), '[::1]')
  })
})
