/**
 * Speed Index and visually complete from filmstrip frames, computed as Lighthouse does:
 * by `speedline-core`. Each frame's visual progress is how close its colour histogram
 * (near-white pixels left out) is to the last frame's; Speed Index is the area above that
 * progress curve, in ms.
 *
 *   await speedIndexOf([{ atMs: 0, jpeg: blank }, { atMs: 420, jpeg: hero }])
 *   // → { speedIndex: 420, visuallyComplete: 420, firstVisualChange: 420 }
 *
 * Frame times are ms from navigation start. The steps are speedline's own (its frames,
 * its visual progress in fast mode, its Speed Index), run as its main function runs them,
 * but for the white frame it puts first: speedline makes that one by encoding a white
 * JPEG the size of the first frame, and jpeg-js sets up a new encoder for every encode
 * (≈ 45 ms of CPU, more than half of the whole computation here). A white frame has an
 * empty histogram at any size, so a small white JPEG made once gives the same numbers
 * (speed-index.test.ts checks them against speedline's main function).
 */
import type Speedline from 'speedline-core'
import speedlineFrame from 'speedline-core/lib/frame.js'
import speedlineIndex from 'speedline-core/lib/speed-index.js'

export interface VisualProgress {
  speedIndex: number
  visuallyComplete: number
  firstVisualChange: number
}

export interface TimedFrame {
  /** ms from navigation start. */
  atMs: number
  /** Base64 JPEG. */
  jpeg: string
}

type Frame = Speedline.Output['frames'][number]

/** Speedline wants a monotonic clock in µs; any origin works as long as it is ours. */
export const ORIGIN_US = 1_000_000_000

/** An 8×8 white JPEG (jpeg-js, quality 50): every pixel decodes to 255, which speedline leaves out. */
const WHITE_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2MBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIAAgACAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/APQKAP8A/9k=',
  'base64',
)

/** Null when there are no frames (no filmstrip) or speedline cannot read them. */
export async function speedIndexOf(frames: readonly TimedFrame[]): Promise<VisualProgress | null> {
  // As speedline reads a trace: ms on the same clock, in time order, a frame that repeats
  // the one before it dropped before anything is decoded.
  const startTs = ORIGIN_US / 1000
  const shown = frames
    .filter((frame) => frame.atMs >= 0)
    .map((frame) => ({ ts: ORIGIN_US + Math.round(frame.atMs * 1000), jpeg: frame.jpeg }))
    .sort((a, b) => a.ts - b.ts)
  const unique: Frame[] = []
  let last: string | null = null
  for (const { ts, jpeg } of shown) {
    if (jpeg === last) continue
    last = jpeg
    unique.push(speedlineFrame.create(Buffer.from(jpeg, 'base64'), ts / 1000))
  }
  if (unique.length === 0) return null
  try {
    unique.unshift(speedlineFrame.create(WHITE_JPEG, startTs))
    // fastMode as Lighthouse uses it: frames between two nearly alike ones are not decoded.
    speedlineIndex.calculateVisualProgress(unique, { fastMode: true })
    const indexes = speedlineIndex.calculateSpeedIndexes(unique, { startTs })
    return {
      speedIndex: Math.round(indexes.speedIndex ?? Number.NaN),
      visuallyComplete: Math.round(Math.floor(indexes.visuallyCompleteTs - startTs)),
      firstVisualChange: Math.round(Math.floor(indexes.firstPaintTs - startTs)),
    }
  } catch {
    return null
  }
}
