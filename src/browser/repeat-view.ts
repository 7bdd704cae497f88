/**
 * The repeat view, as WebPageTest has it: after the first view, the same URL is loaded
 * again in the same browser context — its HTTP cache, cookies and open connections
 * kept, as a returning visitor's browser keeps them — and measured the same way (the
 * same end-of-load rule and late window). Resources the site lets the browser cache are
 * then answered from the cache: nothing goes over the wire for them, so the repeat view
 * shows what caching saves.
 *
 *   const m = await measureViews(slot, url, { timeoutMs: 30_000, repeatView: true }, browserGone)
 *   m.transferBytes                 // 201 873: the first view
 *   m.repeatView?.transferBytes     // 1 204: only the document came over the network
 *   m.repeatView?.entries.filter((e) => e.fromCache).length   // the cached ones
 *
 * The first view's page is closed first (a closed tab; the context stays), and the
 * repeat view opens a page of its own. It records no filmstrip (its Speed Index would
 * cost another speedline pass for a figure no one reads beside the first view's). It
 * runs inside the caller's measurement: on a runner, inside the same machine-budget
 * slot as the first view, so it overlaps no other load on the machine. Without
 * `repeatView`, or when the first view failed, only the first view is measured.
 */
import { failedMeasurement, type MeasureOptions, measureInSlot } from './measure.ts'
import { closeSlotPage, openSlotIn, type Slot } from './slot.ts'
import type { Measurement } from './types.ts'

export async function measureViews(
  slot: Slot,
  url: string,
  opts: MeasureOptions,
  browserGone: AbortSignal,
  proxyServer?: string,
): Promise<Measurement> {
  const first = await measureInSlot(slot, url, opts, browserGone, proxyServer)
  if (!opts.repeatView || first.error || browserGone.aborted) return first
  await closeSlotPage(slot).catch(() => {})
  opts.signal?.throwIfAborted()
  let repeat: Slot
  try {
    repeat = await openSlotIn(slot.context)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return {
      ...first,
      repeatView: failedMeasurement({
        code: 'internal',
        message: `The repeat view could not open a page: ${detail}`,
      }),
    }
  }
  try {
    const repeatView = await measureInSlot(
      repeat,
      url,
      {
        timeoutMs: opts.timeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.settle ? { settle: opts.settle } : {}),
        ...(opts.late ? { late: opts.late } : {}),
        visuals: { ...opts.visuals, filmstrip: false },
      },
      browserGone,
      proxyServer,
    )
    return { ...first, repeatView }
  } finally {
    await closeSlotPage(repeat).catch(() => {})
  }
}
