/**
 * Speed Index and visually complete from filmstrip frames, computed as Lighthouse does:
 * by `speedline-core`, fed the frames as the trace screenshot events it reads. Each
 * frame's visual progress is how close its colour histogram is to the last frame's;
 * Speed Index is the area above that progress curve, in ms.
 *
 *   await speedIndexOf([{ atMs: 0, jpeg: blank }, { atMs: 420, jpeg: hero }])
 *   // → { speedIndex: 420, visuallyComplete: 420, firstVisualChange: 420 }
 *
 * Frame times are ms from navigation start; speedline adds a white frame at 0 itself.
 */
import speedline from 'speedline-core'

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

const SCREENSHOT_CATEGORY = 'disabled-by-default-devtools.screenshot'
/** Speedline wants a monotonic clock in µs; any origin works as long as it is ours. */
const ORIGIN_US = 1_000_000_000

/** Null when there are no frames (no filmstrip) or speedline cannot read them. */
export async function speedIndexOf(frames: readonly TimedFrame[]): Promise<VisualProgress | null> {
  const shown = frames.filter((frame) => frame.atMs >= 0)
  if (shown.length === 0) return null
  const events = shown.map((frame) => ({
    name: 'Screenshot',
    cat: SCREENSHOT_CATEGORY,
    args: { snapshot: frame.jpeg },
    tid: 1,
    ts: ORIGIN_US + Math.round(frame.atMs * 1000),
    dur: 0,
  }))
  try {
    // fastMode as Lighthouse uses it: frames between two nearly alike ones are not decoded.
    const result = await speedline(events, { timeOrigin: ORIGIN_US, fastMode: true, include: 'speedIndex' })
    return {
      speedIndex: Math.round(result.speedIndex),
      visuallyComplete: Math.round(result.complete),
      firstVisualChange: Math.round(result.first),
    }
  } catch {
    return null
  }
}
