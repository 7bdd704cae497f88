import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Measurement } from '../browser/types.ts'
import { connectivityProfile } from './connectivity.ts'
import { IMAGE_BUDGET, visualFields } from './visual-artifacts.ts'

const measurement = (frames: number, frameChars: number, screenshotChars: number): Measurement => ({
  httpStatus: 200,
  finalUrl: 'https://example.com/',
  metrics: {
    ttfb: 1,
    fcp: 2,
    lcp: 3,
    cls: 0,
    tbt: 0,
    domContentLoaded: 2,
    load: 3,
    speedIndex: 2,
    visuallyComplete: 3,
  },
  requests: 1,
  transferBytes: 100,
  entries: [],
  error: null,
  visuals: {
    settings: {
      device: 'desktop',
      viewport: { width: 1350, height: 940, deviceScaleFactor: 1 },
      userAgent: 'UA',
      browser: 'HeadlessChrome/156',
    },
    filmstrip: Array.from({ length: frames }, (_, i) => ({
      at: i * 100,
      jpeg: String(i % 10).repeat(frameChars),
    })),
    screenshot: 's'.repeat(screenshotChars),
    speedIndex: 2,
    visuallyComplete: 3,
    lcpElement: { selector: 'img#hero', type: 'image', url: 'https://example.com/hero.jpg' },
    layoutShifts: [{ score: 0.1, at: 200, selectors: ['p#moved'] }],
  },
})

const context = { testId: 'abc', node: 'ord 1', connectivity: connectivityProfile('3g') }

describe('visualFields', () => {
  it('states the settings with the connectivity, links every frame and the screenshot, and hands over the images', () => {
    const fields = visualFields(measurement(3, 10, 10), context)
    assert.deepEqual(fields.settings, {
      device: 'desktop',
      viewport: { width: 1350, height: 940, deviceScaleFactor: 1 },
      userAgent: 'UA',
      connectivity: { name: '3g', rttMs: 300, downKbps: 1600, upKbps: 768 },
      browser: 'HeadlessChrome/156',
    })
    assert.deepEqual(fields.artifacts, {
      filmstrip: [0, 1, 2].map((i) => ({
        at: i * 100,
        url: `/api/tests/abc/artifacts/ord%201/frame-${i}.jpg`,
      })),
      screenshot: '/api/tests/abc/artifacts/ord%201/screenshot.jpg',
    })
    assert.deepEqual(
      fields.images?.map((image) => image.name),
      ['frame-0.jpg', 'frame-1.jpg', 'frame-2.jpg', 'screenshot.jpg'],
    )
    assert.equal(fields.lcpElement?.selector, 'img#hero')
    assert.deepEqual(fields.layoutShifts, [{ score: 0.1, at: 200, selectors: ['p#moved'] }])
  })

  it('keeps a row’s images under the budget, keeping the first and last frames', () => {
    const fields = visualFields(measurement(40, 40_000, 100_000), context)
    const total = (fields.images ?? []).reduce((sum, image) => sum + image.jpeg.length, 0)
    assert.ok(total <= IMAGE_BUDGET, `${total} characters`)
    const strip = fields.artifacts?.filmstrip ?? []
    assert.equal(strip[0]?.at, 0)
    assert.equal(strip.at(-1)?.at, 3900)
    assert.ok(strip.length < 40 && strip.length >= 2)
  })

  it('adds nothing for a measurement without visuals (a failed one)', () => {
    const { visuals: _none, ...bare } = measurement(1, 1, 1)
    assert.deepEqual(visualFields(bare, context), {})
  })
})
