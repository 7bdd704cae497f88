/**
 * A slot is ready to measure on the default device before its URL is known (slot.ts,
 * frames.ts `prepareVisuals`): its blank page is already 1350×940, the screencast has its
 * blank frame, and a measurement on it starts its filmstrip from that frame. A measurement
 * on another device re-emulates the same page and records afresh.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import jpeg from 'jpeg-js'
import { startVisuals } from '../../src/browser/frames.ts'
import { type LaunchedChromium, launchChromium } from '../../src/browser/launch.ts'
import { closeSlot, openSlot } from '../../src/browser/slot.ts'

/** Share of near-white pixels. */
function whiteShare(base64: string): number {
  const { data, width, height } = jpeg.decode(Buffer.from(base64, 'base64'), { useTArray: true })
  let white = 0
  for (let i = 0; i < width * height * 4; i += 4) {
    if ((data[i] ?? 0) > 245 && (data[i + 1] ?? 0) > 245 && (data[i + 2] ?? 0) > 245) white++
  }
  return white / (width * height)
}

describe('a prepared slot', () => {
  let chromium: LaunchedChromium
  before(async () => {
    chromium = await launchChromium()
  })
  after(() => chromium?.close())

  it('is emulated as a desktop and recording its blank page before any URL is known', async () => {
    const slot = await openSlot(chromium.browser, chromium.contextOptions)
    try {
      assert.equal(slot.visuals?.device, 'desktop')
      assert.equal(slot.visuals?.settings.viewport.width, 1350)
      const blank = slot.visuals?.frames[0]
      assert.ok(blank, 'the blank frame is in')
      assert.ok(whiteShare(blank.jpeg) > 0.98, 'the first frame is all blank, no dark band')
      const size = await slot.session.send('Runtime.evaluate', {
        expression: '[innerWidth, innerHeight]',
        returnByValue: true,
      })
      assert.deepEqual(size.result.value, [1350, 940])
      // The measurement takes what was prepared: no second recording, the same frames.
      const frames = slot.visuals?.frames
      await startVisuals(slot, { device: 'desktop' })
      assert.equal(slot.visuals, undefined, 'used once')
      assert.equal(frames?.length, 1)
    } finally {
      await closeSlot(slot)
    }
  })

  it('re-emulates the prepared page for a phone', async () => {
    const slot = await openSlot(chromium.browser, chromium.contextOptions)
    try {
      const desktopFrames = slot.visuals?.frames
      const recording = await startVisuals(slot, { device: 'mobile' })
      // The blank page has no viewport meta, so its layout is 980 wide: the screen says the device.
      const size = await slot.session.send('Runtime.evaluate', {
        expression: '[screen.width, navigator.userAgent.includes("Android")]',
        returnByValue: true,
      })
      assert.deepEqual(size.result.value, [412, true])
      const seen = await recording.finish(false)
      assert.equal(seen.settings.device, 'mobile')
      assert.equal(desktopFrames?.length, 1, 'the desktop recording stopped and was set aside')
    } finally {
      await closeSlot(slot)
    }
  })
})
