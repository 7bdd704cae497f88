/**
 * The fault test of the egress policy: with the guard on and only the fixture site's own
 * port allowed (`WPS_ALLOW_TARGETS`), a real `wps run` of the hostile canary page
 * (test/fixtures/canary.ts: every vector a page has, aimed at another loopback port over
 * TCP and at a UDP socket) must leave the canary untouched. The control run allows the
 * canary's port too and shows the same page does reach it, so "nothing seen" means the
 * policy held, not that the page never tried.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { type Canary, startCanary, VECTORS } from '../fixtures/canary.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { wps } from '../support/wps-cli.ts'

describe('canary: a hostile page under WPS_ALLOW_TARGETS', () => {
  let site: FixtureSite
  let canary: Canary
  before(async () => {
    site = await startFixtureSite()
    canary = await startCanary()
  })
  after(async () => {
    await canary?.close()
    await site?.close()
  })

  async function runCanaryPage(allowTargets: string) {
    site.resetTraffic()
    const url = `${site.url}${FACTS.canary.path}?tcp=${canary.tcpPort}&udp=${canary.udpPort}`
    const before = canary.seen()
    const outcome = await wps(['run', url, '--json'], {
      WPS_ALLOW_PRIVATE: '0',
      WPS_ALLOW_TARGETS: allowTargets,
    })
    // Stragglers (a service worker, ICE gathering) have had the whole load; give them a moment more.
    await sleep(500)
    const seen = canary.seen()
    const reports = site
      .traffic()
      .urls.filter((u) => u.startsWith(`${FACTS.canary.report}?`))
      .map((u) => new URL(u, 'http://x').searchParams.get('ran') ?? '')
    return {
      outcome,
      tcp: seen.tcp - before.tcp,
      udp: seen.udp - before.udp,
      requests: seen.requests.slice(before.requests.length),
      ran: (reports[0] ?? '').split(','),
    }
  }

  it('control: with the canary allowed too, the page reaches it', async () => {
    const allowed = `127.0.0.1:${site.port},127.0.0.1:${canary.tcpPort}`
    const run = await runCanaryPage(allowed)
    assert.equal(run.outcome.code, 0, run.outcome.stderr)
    assert.ok(run.tcp >= 5, `the canary saw ${run.tcp} connections`)
    // The vectors that reach it within the load every time (workers' fetches and ICE may
    // come a little later). Both WebSockets, the page's and the worker's, go through the
    // egress proxy's CONNECT tunnel.
    const reached = (path: string) => run.requests.some((line) => line.includes(` ${path} `))
    const requests = run.requests
    const expected = [
      ['/img'],
      ['/fetch'],
      ['/xhr'],
      ['/iframe'],
      ['/ws'],
      ['/worker-ws'],
      ['/sse'],
      ['/beacon'],
      ['/form'],
      ['/prefetch'],
      ['/redirect'],
      ['/mapped'],
      ['/mapped-fetch'],
      ['/localhost'],
      ['/short'],
    ]
    for (const paths of expected) {
      assert.ok(paths.some(reached), `${paths.join(' or ')} reached the canary: ${requests.join(' | ')}`)
    }
  })

  it('only the fixture allowed: every vector ran and the canary saw nothing, TCP or UDP', async () => {
    const run = await runCanaryPage(`127.0.0.1:${site.port}`)
    const test = JSON.parse(run.outcome.stdout) as SpeedTest
    const row = test.results[0]
    assert.equal(row?.status, 'complete', run.outcome.stderr)
    assert.equal(row?.httpStatus, 200)
    assert.deepEqual(run.ran, [...VECTORS], 'the page ran every vector without an exception')
    assert.deepEqual({ tcp: run.tcp, udp: run.udp, requests: run.requests }, { tcp: 0, udp: 0, requests: [] })
    // The refusals are in the row, named as policy blocks.
    const blocked = (row?.entries ?? []).filter((e) => /ERR_BLOCKED_BY_ADMINISTRATOR/.test(e.failure ?? ''))
    assert.ok(blocked.length >= 5, JSON.stringify(row?.entries?.map((e) => [e.url, e.failure])))
  })
})
