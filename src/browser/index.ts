/**
 * The browser layer: Chromium lifecycle and one measurement at a time.
 *
 *   import { BrowserHost } from '../browser/index.ts'
 *   const host = await BrowserHost.launch()
 *   const m = await host.measure(url, { timeoutMs: 30_000 })
 */
export { BrowserHost, type BrowserHostOptions } from './browser-host.ts'
export { CHROME_CANDIDATES, findChrome } from './chrome-path.ts'
export { type ComputeOptions, computeMeasurement } from './compute.ts'
export {
  DEVICE_NAMES,
  type DeviceName,
  type DeviceProfile,
  deviceProfile,
  isDeviceName,
  type Viewport,
} from './devices.ts'
export type { ElementReport, LayoutShiftReport, LcpElement, Rect } from './element-script.ts'
export { browserCrashedError, httpError, navigationError, timeoutError } from './errors.ts'
export { startVisuals, thinFilmstrip, type VisualOptions, withVisuals } from './frames.ts'
export {
  GATHERED_VERSION,
  type GatheredLoad,
  gatheredLoad,
  type ParsedGathered,
  parseGathered,
} from './gathered.ts'
export { chromiumArgs, type LaunchedChromium, type LaunchOptions, launchChromium } from './launch.ts'
export { auditPage, type LighthouseOptions, type LighthouseOutcome, lighthouseFlags } from './lighthouse.ts'
export {
  type LighthouseAudit,
  type LighthouseOpportunity,
  type LighthouseSummary,
  summarizeLighthouse,
} from './lighthouse-summary.ts'
export { type MeasureOptions, SETTLE, type Settle } from './measure.ts'
export {
  computeCls,
  computeFcp,
  computeLcp,
  computeMetrics,
  computeTbt,
  type MetricOptions,
} from './metrics.ts'
export type { NetworkEvent } from './network-events.ts'
export { type NetworkSummary, summariseNetwork } from './network-summary.ts'
export { speedIndexOf, type TimedFrame, type VisualProgress } from './speed-index.ts'
export type * from './types.ts'
