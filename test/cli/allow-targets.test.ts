/**
 * WPS_ALLOW_TARGETS through a real `wps run`: the URL policy and the egress proxy both
 * let the one allowed target through and keep refusing every other private one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { wps } from '../support/wps-cli.ts'

describe('WPS_ALLOW_TARGETS', () => {
  let site: FixtureSite
  let other: FixtureSite
  before(async () => {
    site = await startFixtureSite()
    other = await startFixtureSite()
  })
  after(async () => {
    await site?.close()
    await other?.close()
  })
  const only = () => ({ WPS_ALLOW_PRIVATE: '0', WPS_ALLOW_TARGETS: `127.0.0.1:${site.port}` })

  it('allows the named address and port: the page loads', async () => {
    const { code, stdout, stderr } = await wps(['run', `${site.url}${FACTS.rich.path}`, '--json'], only())
    assert.equal(code, 0, stderr)
    const row = (JSON.parse(stdout) as SpeedTest).results[0]
    assert.equal(row?.status, 'complete')
    assert.equal(row?.requests, FACTS.rich.requests)
  })

  it('keeps refusing another port of the same address, typed or loaded by the page', async () => {
    const typed = await wps(['run', `${other.url}/`], only())
    assert.equal(typed.code, 1)
    assert.match(typed.stderr, /blocked_address.*127\.0\.0\.1 is a loopback address/)

    other.resetTraffic()
    const image = `${other.url}/rich/a.png`
    const loaded = await wps(['run', `${site.url}/loads?src=${encodeURIComponent(image)}`, '--json'], only())
    const row = (JSON.parse(loaded.stdout) as SpeedTest).results[0]
    assert.equal(row?.status, 'complete', loaded.stderr)
    const entry = row?.entries?.find((e) => e.url === image)
    assert.match(entry?.failure ?? '', /ERR_BLOCKED_BY_ADMINISTRATOR \(127\.0\.0\.1: a loopback address\)/)
    assert.equal(other.traffic().connections, 0, 'the other port saw nothing')
  })

  it('a bad list is a configuration error naming the entry (exit 2)', async () => {
    const { code, stderr } = await wps(['run', `${site.url}/`], {
      WPS_ALLOW_TARGETS: '127.0.0.1,intranet.local',
    })
    assert.equal(code, 2)
    assert.match(stderr, /WPS_ALLOW_TARGETS: "intranet\.local" is a host name; give its IP address/)
    const metadata = await wps(['run', `${site.url}/`], { WPS_ALLOW_TARGETS: '169.254.169.254' })
    assert.equal(metadata.code, 2)
    assert.match(metadata.stderr, /cloud metadata address, which can never be allowed/)
  })
})
