import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { findChrome } from './chrome-path.ts'
import { chromiumArgs } from './launch.ts'

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
  it('has the flags this machine needs', () => {
    const args = chromiumArgs()
    for (const flag of [
      '--no-sandbox',
      '--headless=new',
      '--disable-background-networking',
      '--disable-quic',
    ]) {
      assert.ok(args.includes(flag), flag)
    }
    assert.ok(!args.some((a) => a.startsWith('--proxy-server')))
  })
  it('sends even loopback traffic through a given proxy', () => {
    const args = chromiumArgs({ proxyServer: '127.0.0.1:9000' })
    assert.ok(args.includes('--proxy-server=127.0.0.1:9000'))
    assert.ok(args.includes('--proxy-bypass-list=<-loopback>'))
  })
})
