import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import puppeteer from 'puppeteer-core'
import { chromiumArgs } from './launch.ts'
import { puppeteerCommandLine } from './puppeteer-args.ts'

describe('puppeteerCommandLine', () => {
  it('is the command line puppeteer.launch would give Chromium, our flags included', () => {
    for (const args of [
      chromiumArgs(),
      chromiumArgs({ proxyServer: '127.0.0.1:9000' }),
      ['--enable-features=Foo'],
    ]) {
      // puppeteer takes the feature flags out of the array it is given: hand it a copy
      const expected = [
        ...puppeteer.defaultArgs({ headless: true, userDataDir: '/tmp/p', args: [...args] }),
        '--remote-debugging-pipe',
      ]
      assert.deepEqual(puppeteerCommandLine('/tmp/p', args), expected)
    }
  })

  it('keeps one --disable-features with puppeteer’s and ours', () => {
    const line = puppeteerCommandLine('/tmp/p', chromiumArgs())
    const disabled = line.filter((a) => a.startsWith('--disable-features='))
    assert.equal(disabled.length, 1)
    assert.match(disabled[0] ?? '', /IsolateSandboxedIframes,.*OptimizationHintsFetching/)
  })
})
