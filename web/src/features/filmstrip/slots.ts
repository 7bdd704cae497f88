/**
 * A filmstrip on a time axis shared by every region, as WebPageTest draws one: slots at a
 * fixed step from 0 to the latest frame of any region, each showing the newest frame
 * painted at or before its time. Regions side by side then show who painted first.
 *
 *   frameSlots([{ at: 0, url: 'a' }, { at: 420, url: 'b' }], 200, 600)
 *   // → [{ at: 0, url: 'a', changed: true }, { at: 200, url: 'a', changed: false },
 *   //    { at: 400, url: 'a', changed: false }, { at: 600, url: 'b', changed: true }]
 */
export interface Frame {
  at: number
  url: string
}

export interface Slot {
  at: number
  url: string | null
  /** The picture differs from the slot before: the page visibly changed. */
  changed: boolean
}

/** A step that gives at most `maxSlots` slots up to `endMs`, in round numbers. */
export function slotStep(endMs: number, maxSlots = 12): number {
  for (const step of [100, 200, 250, 500, 1000, 2000, 5000]) if (endMs / step < maxSlots) return step
  return 10_000
}

export function frameSlots(frames: Frame[], step: number, endMs: number): Slot[] {
  const sorted = frames.slice().sort((a, b) => a.at - b.at)
  const slots: Slot[] = []
  let previous: string | null = null
  for (let at = 0; at <= endMs + step - 1; at += step) {
    let url: string | null = null
    for (const frame of sorted) if (frame.at <= at) url = frame.url
    slots.push({ at, url, changed: url !== null && url !== previous })
    previous = url
    if (at >= endMs) break
  }
  return slots
}
