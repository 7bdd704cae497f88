import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import speedline from 'speedline-core'
import { ORIGIN_US, speedIndexOf, type TimedFrame, type VisualProgress } from './speed-index.ts'

/**
 * Screencast frames of the visual fixture (test/browser/visual-site.ts) as one load painted
 * them, 320 px wide: the blank page before navigation (at -1), the heading, the banner,
 * the hero.
 */
function recordedFrames(): TimedFrame[] {
  const raw: unknown = JSON.parse(
    readFileSync(new URL('../../test/fixtures/filmstrip-frames.json', import.meta.url), 'utf8'),
  )
  assert.ok(Array.isArray(raw))
  return raw.map((f: unknown) => {
    assert.ok(typeof f === 'object' && f !== null && 'at' in f && 'jpeg' in f)
    assert.ok(typeof f.at === 'number' && typeof f.jpeg === 'string')
    return { atMs: f.at, jpeg: f.jpeg }
  })
}

/** What speedline's main function makes of the same frames fed as trace screenshot events. */
async function bySpeedline(frames: readonly TimedFrame[]): Promise<VisualProgress> {
  const events = frames
    .filter((f) => f.atMs >= 0)
    .map((f) => ({
      name: 'Screenshot',
      cat: 'disabled-by-default-devtools.screenshot',
      args: { snapshot: f.jpeg },
      tid: 1,
      ts: ORIGIN_US + Math.round(f.atMs * 1000),
      dur: 0,
    }))
  const result = await speedline(events, { timeOrigin: ORIGIN_US, fastMode: true, include: 'speedIndex' })
  return {
    speedIndex: Math.round(result.speedIndex),
    visuallyComplete: Math.round(result.complete),
    firstVisualChange: Math.round(result.first),
  }
}

describe('speedIndexOf', () => {
  const frames = recordedFrames()
  const [blank, heading, banner, hero] = frames.map((f) => f.jpeg) as [string, string, string, string]

  it('gives what speedline gives for a recorded load: first change, Speed Index between it and visually complete', async () => {
    const progress = await speedIndexOf(frames)
    assert.ok(progress)
    assert.deepEqual(progress, await bySpeedline(frames))
    const heroAt = Math.floor(frames.at(-1)?.atMs ?? 0)
    assert.equal(progress.visuallyComplete, heroAt, 'complete when the hero is painted')
    assert.ok(progress.firstVisualChange > 0 && progress.firstVisualChange <= heroAt)
    assert.ok(progress.firstVisualChange <= progress.speedIndex && progress.speedIndex <= heroAt)
  })

  it('gives what speedline gives when frames repeat, arrive out of order or the blank page is painted after navigation', async () => {
    const variants: TimedFrame[][] = [
      [
        { atMs: 5, jpeg: blank },
        { atMs: 120, jpeg: heading },
        { atMs: 140, jpeg: heading },
        { atMs: 300, jpeg: banner },
        { atMs: 480, jpeg: banner },
        { atMs: 700, jpeg: hero },
        { atMs: 900, jpeg: hero },
      ],
      [
        { atMs: 700.4, jpeg: hero },
        { atMs: 100.6, jpeg: banner },
        { atMs: 250, jpeg: heading },
      ],
      [{ atMs: 333, jpeg: hero }],
      [
        { atMs: 50, jpeg: hero },
        { atMs: 400, jpeg: blank },
        { atMs: 800, jpeg: hero },
      ],
    ]
    for (const variant of variants) {
      assert.deepEqual(
        await speedIndexOf(variant),
        await bySpeedline(variant),
        JSON.stringify(variant.map((f) => f.atMs)),
      )
    }
  })

  it('is null without frames after navigation start, and for frames that are not JPEG', async () => {
    assert.equal(await speedIndexOf([]), null)
    assert.equal(await speedIndexOf([{ atMs: -1, jpeg: blank }]), null)
    assert.equal(await speedIndexOf([{ atMs: 10, jpeg: Buffer.from('not a jpeg').toString('base64') }]), null)
  })
})
