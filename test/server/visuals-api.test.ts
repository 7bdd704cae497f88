/**
 * Device, connectivity and the look of the load through the HTTP API, against a real
 * node (in-process runners, real Chromium, the runner's egress proxy) and the visual
 * fixture site: the settings a row states are the ones the page saw, the filmstrip and
 * screenshot URLs serve JPEGs, and 3G's round trip and bandwidth show in the numbers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { startVisualSite } from '../browser/visual-site.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { siteAndServer } from '../support/site-server.ts'
import { readEvents } from '../support/sse.ts'

const post = (base: string, body: unknown) =>
  fetch(`${base}/api/tests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('device, connectivity and artifacts through the API', () => {
  const stack = siteAndServer(startVisualSite)

  async function runTest(body: Record<string, unknown>): Promise<{ id: string; row: RegionResult }> {
    const response = await post(stack.server.url, { url: `${stack.site.url}/`, ...body })
    assert.equal(response.status, 201, await response.clone().text())
    const { id } = (await response.json()) as { id: string }
    await readEvents(`${stack.server.url}/api/tests/${id}/events`, (e) => e.event === 'done')
    const test = (await (await fetch(`${stack.server.url}/api/tests/${id}`)).json()) as SpeedTest
    assert.deepEqual(await schemaErrors('SpeedTest', test), [])
    const row = test.results[0]
    assert.ok(row)
    assert.equal(row.status, 'complete', JSON.stringify(row.error))
    return { id, row }
  }

  it('mobile: the page sees 412 px and the mobile UA, the row says so, and its images are served', async () => {
    const before = stack.site.seen().length
    const { id, row } = await runTest({ device: 'mobile' })
    const seen = stack.site.seen().slice(before)
    assert.equal(seen.length, 1)
    assert.equal(seen[0]!.innerWidth, 412)
    assert.match(seen[0]!.userAgent, /Android.*Mobile/)
    assert.equal(row.settings?.device, 'mobile')
    assert.deepEqual(row.settings?.viewport, { width: 412, height: 823, deviceScaleFactor: 1.75 })
    assert.equal(row.settings?.userAgent, seen[0]!.userAgent)
    assert.deepEqual(row.settings?.connectivity, { name: 'native', rttMs: 0, downKbps: 0, upKbps: 0 })
    assert.equal(row.lcpElement?.selector, 'img#hero')

    const filmstrip = row.artifacts?.filmstrip ?? []
    assert.ok(filmstrip.length >= 2, JSON.stringify(row.artifacts))
    assert.ok(row.artifacts?.screenshot)
    for (const url of [...filmstrip.map((f) => f.url), row.artifacts.screenshot]) {
      assert.ok(url.startsWith(`/api/tests/${id}/artifacts/`), url)
      const image = await fetch(`${stack.server.url}${url}`)
      assert.equal(image.status, 200, url)
      assert.equal(image.headers.get('content-type'), 'image/jpeg')
      const bytes = Buffer.from(await image.arrayBuffer())
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG')
    }
    const speedIndex = row.metrics.speedIndex
    assert.ok(typeof speedIndex === 'number' && speedIndex > 0)
    const missing = await fetch(`${stack.server.url}/api/tests/${id}/artifacts/${row.node}/frame-999.jpg`)
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found')
  })

  it("3g: TTFB is at least two of the profile's round trips, load at least bytes ÷ bandwidth", async () => {
    const { row } = await runTest({ connectivity: '3g' })
    assert.deepEqual(row.settings?.connectivity, { name: '3g', rttMs: 300, downKbps: 1600, upKbps: 768 })
    assert.equal(row.settings?.device, 'desktop')
    const { ttfb, load } = row.metrics
    assert.ok(ttfb !== null && ttfb >= 600, `ttfb ${ttfb} ms ≥ 2 × 300 ms`)
    const wireMs = ((row.transferBytes ?? 0) * 8) / 1600
    assert.ok((row.transferBytes ?? 0) >= stack.site.bytes, `${row.transferBytes} B`)
    assert.ok(load !== null && load >= wireMs, `load ${load} ms ≥ ${wireMs.toFixed(0)} ms on the wire`)
  })

  it('refuses a device or connectivity it does not know, and a non-string one, as bad_request', async () => {
    for (const body of [
      { device: 'tablet' },
      { device: 1 },
      { connectivity: 'dialup' },
      { connectivity: ['3g'] },
    ]) {
      const response = await post(stack.server.url, { url: `${stack.site.url}/`, ...body })
      assert.equal(response.status, 400, JSON.stringify(body))
      const answer = (await response.json()) as { error: { code: string; message: string } }
      assert.equal(answer.error.code, 'bad_request', JSON.stringify(body))
    }
  })
})
