/**
 * A measurement's look, as a row shows it: the settings it ran with (device, viewport,
 * user agent, browser and the connectivity profile), the LCP element and shifted elements,
 * and the filmstrip and screenshot as URLs the API serves
 * (`GET /api/tests/:id/artifacts/:node/:name`). The images themselves travel beside the
 * update (`images`), to be kept in the store by the node that owns the test.
 *
 *   visualFields(measurement, { testId, node: 'ord-1', connectivity: connectivityProfile('3g') })
 *   // → { settings: {…}, lcpElement, layoutShifts,
 *   //     artifacts: { filmstrip: [{ at: 0, url: '/api/tests/k3x…/artifacts/ord-1/frame-0.jpg' }, …], screenshot: '…/screenshot.jpg' },
 *   //     images: [{ name: 'frame-0.jpg', jpeg }, …] }
 *
 * One answer crosses the cluster in a single message (NATS: 1 MB by default), so the
 * images of a row are kept under IMAGE_BUDGET: frames are thinned evenly (the first and
 * last stay) and, if that is not enough, the screenshot is left out.
 */
import type { Measurement } from '../browser/types.ts'
import type { Connectivity } from './connectivity.ts'
import type { RowArtifacts, Settings } from './model.ts'
import type { RegionUpdate, RowImage } from './protocol.ts'

/** Base64 characters of images per row. */
export const IMAGE_BUDGET = 600_000

export interface VisualContext {
  testId: string
  node: string
  connectivity: Connectivity
}

export function artifactUrl(testId: string, node: string, name: string): string {
  return `/api/tests/${encodeURIComponent(testId)}/artifacts/${encodeURIComponent(node)}/${name}`
}

export function visualFields(measurement: Measurement, context: VisualContext): Partial<RegionUpdate> {
  const visuals = measurement.visuals
  if (!visuals) return {}
  const settings: Settings = {
    device: visuals.settings.device,
    viewport: visuals.settings.viewport,
    userAgent: visuals.settings.userAgent,
    connectivity: context.connectivity,
    browser: visuals.settings.browser,
  }
  let frames = visuals.filmstrip.map((frame, index) => ({ ...frame, name: `frame-${index}.jpg` }))
  const weight = (list: typeof frames) => list.reduce((sum, f) => sum + f.jpeg.length, 0)
  while (frames.length > 2 && weight(frames) > IMAGE_BUDGET) {
    frames = frames.filter((_f, i) => i === 0 || i === frames.length - 1 || i % 2 === 0)
  }
  const screenshot =
    visuals.screenshot && weight(frames) + visuals.screenshot.length <= IMAGE_BUDGET
      ? visuals.screenshot
      : null
  const images: RowImage[] = frames.map((f) => ({ name: f.name, jpeg: f.jpeg }))
  if (screenshot) images.push({ name: 'screenshot.jpg', jpeg: screenshot })
  const artifacts: RowArtifacts = {
    filmstrip: frames.map((f) => ({ at: f.at, url: artifactUrl(context.testId, context.node, f.name) })),
    screenshot: screenshot ? artifactUrl(context.testId, context.node, 'screenshot.jpg') : null,
  }
  return {
    settings,
    lcpElement: visuals.lcpElement,
    layoutShifts: visuals.layoutShifts,
    artifacts,
    ...(images.length > 0 ? { images } : {}),
  }
}
