/**
 * What the page looked like, against a page whose look is known by construction
 * (visual-site.ts): a blank start, a hero of noise 400 ms in, a banner that shifts a paragraph.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import jpeg from 'jpeg-js'
import { BrowserHost } from '../../src/browser/index.ts'
import { HERO_DELAY_MS, startVisualSite, type VisualSite } from './visual-site.ts'

const TIMEOUT_MS = 15_000

/** Share of near-white pixels. */
function whiteShare(base64: string): number {
  const { data, width, height } = jpeg.decode(Buffer.from(base64, 'base64'), { useTArray: true })
  let white = 0
  for (let i = 0; i < width * height * 4; i += 4) {
    if ((data[i] ?? 0) > 245 && (data[i + 1] ?? 0) > 245 && (data[i + 2] ?? 0) > 245) white++
  }
  return white / (width * height)
}

describe('what the page looked like', () => {
  let site: VisualSite
  let host: BrowserHost
  before(async () => {
    site = await startVisualSite()
    host = await BrowserHost.launch()
  })
  after(async () => {
    await host?.close()
    await site?.close()
  })

  it('records a filmstrip from blank to the hero, Speed Index between FCP and visually complete', async () => {
    const m = await host.measure(`${site.url}/`, { timeoutMs: TIMEOUT_MS })
    assert.equal(m.error, null)
    const v = m.visuals
    assert.ok(v, 'visuals gathered')
    const frames = v.filmstrip
    assert.ok(frames.length >= 2, `${frames.length} frames`)
    for (let i = 1; i < frames.length; i++) {
      assert.ok(
        frames[i]!.at > frames[i - 1]!.at,
        `frame ${i} at ${frames[i]!.at} after ${frames[i - 1]!.at}`,
      )
      // Kept frames are at most one per 100 ms bucket (the blank one at 0 stands for before navigation).
      if (i >= 2) assert.notEqual(Math.floor(frames[i]!.at / 100), Math.floor(frames[i - 1]!.at / 100))
    }
    assert.equal(frames[0]!.at, 0)
    assert.ok(whiteShare(frames[0]!.jpeg) > 0.99, `first frame white share ${whiteShare(frames[0]!.jpeg)}`)
    assert.ok(whiteShare(frames[0]!.jpeg) > 0.99)
    const last = frames.at(-1)!
    assert.ok(
      whiteShare(last.jpeg) < 0.5,
      `last frame white share ${whiteShare(last.jpeg)}: the hero's noise covers most of it`,
    )
    assert.ok(last.at >= HERO_DELAY_MS, `last frame at ${last.at}`)
    assert.ok(v.screenshot && whiteShare(v.screenshot) < 0.5, 'the final screenshot shows the hero')

    const { fcp, speedIndex, visuallyComplete, lcp } = m.metrics
    assert.ok(fcp !== null && speedIndex != null && visuallyComplete != null, JSON.stringify(m.metrics))
    assert.ok(fcp <= speedIndex + 1, `fcp ${fcp} ≤ speed index ${speedIndex}`)
    assert.ok(
      speedIndex <= visuallyComplete,
      `speed index ${speedIndex} ≤ visually complete ${visuallyComplete}`,
    )
    assert.ok(visuallyComplete >= HERO_DELAY_MS, `visually complete ${visuallyComplete}`)
    assert.ok(
      Math.abs(visuallyComplete - last.at) <= 1,
      `visually complete ${visuallyComplete}, last frame ${last.at}`,
    )
    assert.ok(lcp !== null && lcp >= HERO_DELAY_MS)

    const { rect, ...named } = v.lcpElement ?? { rect: undefined }
    assert.deepEqual(named, { selector: 'img#hero', type: 'image', url: `${site.url}/hero.png` })
    // The hero spans the 1350 px viewport at its 2:1 ratio, below the heading, banner and paragraph.
    assert.ok(rect, 'the LCP element has its box')
    assert.deepEqual([rect.x, rect.width, rect.height], [0, 1350, 675])
    assert.ok(rect.y > 120, `hero top ${rect.y}: below the banner`)
    const moved = v.layoutShifts.filter((s) => s.selectors.includes('p#moved'))
    assert.ok(moved.length >= 1, JSON.stringify(v.layoutShifts))
    assert.ok(moved.every((s) => s.score > 0 && s.at > 0))
    const total = v.layoutShifts.reduce((sum, s) => sum + s.score, 0)
    assert.ok(Math.abs(total - (m.metrics.cls ?? 0)) < 0.001, `shifts ${total} vs cls ${m.metrics.cls}`)
  })

  it('emulates the desktop viewport exactly: 1350×940', async () => {
    const before = site.seen().length
    const m = await host.measure(`${site.url}/`, { timeoutMs: TIMEOUT_MS, visuals: { filmstrip: false } })
    assert.equal(m.error, null)
    const seen = site.seen().slice(before)
    assert.equal(seen.length, 1)
    assert.equal(seen[0]!.innerWidth, 1350)
    assert.equal(seen[0]!.innerHeight, 940)
    assert.deepEqual(m.visuals?.settings.viewport, { width: 1350, height: 940, deviceScaleFactor: 1 })
    assert.equal(m.visuals?.settings.userAgent, seen[0]!.userAgent)
    assert.deepEqual(m.visuals?.filmstrip, [])
    assert.equal(m.metrics.speedIndex, null)
  })

  it('emulates a phone: 412 wide at DPR 1.75, with its user agent and touch', async () => {
    const before = site.seen().length
    const m = await host.measure(`${site.url}/`, { timeoutMs: TIMEOUT_MS, visuals: { device: 'mobile' } })
    assert.equal(m.error, null)
    const seen = site.seen().slice(before)
    assert.equal(seen.length, 1)
    assert.equal(seen[0]!.innerWidth, 412)
    assert.equal(seen[0]!.dpr, 1.75)
    assert.ok(seen[0]!.touch > 0)
    assert.match(seen[0]!.userAgent, /Android.*Mobile Safari/)
    assert.equal(m.visuals?.settings.device, 'mobile')
    assert.equal(m.visuals?.settings.userAgent, seen[0]!.userAgent)
    assert.deepEqual(m.visuals?.settings.viewport, { width: 412, height: 823, deviceScaleFactor: 1.75 })
    assert.match(m.visuals?.settings.browser ?? '', /Chrom/)
  })
})
