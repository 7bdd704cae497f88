/**
 * Plain data that leaves the browser layer. A measurement is gathered in Chromium,
 * computed by pure functions, and handed upward as these shapes — nothing here holds
 * a browser handle, so every value is structured-cloneable and can cross a process
 * or network boundary unchanged.
 */

import type { DeviceName, Viewport } from './devices.ts'
import type { LayoutShiftReport, LcpElement } from './element-script.ts'
import type { GatheredLoad } from './gathered.ts'

/** Timings in milliseconds from navigation start; `cls` is unitless. `null` = not measured. */
export interface Metrics {
  ttfb: number | null
  fcp: number | null
  lcp: number | null
  cls: number | null
  tbt: number | null
  domContentLoaded: number | null
  load: number | null
  /** From the filmstrip (frames.ts): absent when the page was not shown. */
  speedIndex?: number | null
  visuallyComplete?: number | null
}

/** One request of the page load, for the waterfall. Times are ms from navigation start. */
export interface RequestEntry {
  url: string
  /** CDP resource type, lower-cased: document, stylesheet, script, image, font, xhr, fetch, other… */
  type: string
  /** HTTP status, or null when the request failed before a response. */
  status: number | null
  start: number
  end: number | null
  /** Bytes on the wire (CDP encodedDataLength): headers + body as transferred. */
  bytes: number
  /** Chromium's net error text when the request failed (e.g. net::ERR_CONNECTION_REFUSED). */
  failure?: string
  /** HTTP method (GET, POST…). */
  method?: string
  /** As Chromium names it: http/1.1, h2, h3… (absent without a response). */
  protocol?: string
  /** Chromium's fetch priority when the request was made: VeryLow, Low, Medium, High, VeryHigh. */
  priority?: string
  /** The response's MIME type (absent without a response). */
  mimeType?: string
  /** What started the request: parser, script, preload, redirect, other; with the URL when known. */
  initiator?: { type: string; url?: string }
  /** Body bytes after decoding (content-encoding removed). */
  decodedBytes?: number
  /** Where the time went, as HAR 1.2 phases (timings.ts). */
  timings?: RequestTimings
  /** Answered from the browser's cache (memory or disk), not the network: a repeat view's cached resources. */
  fromCache?: boolean
}

/**
 * HAR 1.2 timing phases in ms; -1 where a phase did not apply (a reused connection has
 * no `dns`/`connect`, plain http no `ssl`). `connect` includes `ssl`, as in HAR.
 */
export interface RequestTimings {
  blocked: number
  dns: number
  connect: number
  ssl: number
  send: number
  wait: number
  receive: number
}

export type MeasureErrorCode =
  | 'dns_failure'
  | 'connection_refused'
  | 'connection_reset'
  | 'tls_error'
  | 'timeout'
  | 'http_error'
  | 'blocked_address'
  | 'invalid_url'
  | 'navigation_failed'
  | 'network_unavailable'
  | 'browser_crashed'
  | 'page_unresponsive'
  | 'navigation_loop'
  | 'download'
  | 'runner_lost'
  | 'node_lost'
  | 'internal'

export interface MeasureError {
  code: MeasureErrorCode | (string & {})
  message: string
}

export interface Measurement {
  httpStatus: number | null
  finalUrl: string | null
  metrics: Metrics
  requests: number
  transferBytes: number
  entries: RequestEntry[]
  /** When the first request of the load was sent (epoch ms, the browser's clock). */
  startedAt?: number
  error: MeasureError | null
  /** What the page looked like and on which device (frames.ts). */
  visuals?: Visuals
  /** The raw data the numbers were computed from (gathered.ts), to compute them again later. */
  gathered?: GatheredLoad
  /** With `repeatView`: a second load of the same URL in the same context, warm cache (repeat-view.ts). */
  repeatView?: Measurement
}

/** One filmstrip frame (frames.ts). */
export interface Frame {
  /** ms from navigation start. */
  at: number
  /** Base64 JPEG. */
  jpeg: string
}

export interface DeviceSettings {
  device: DeviceName
  viewport: Viewport
  userAgent: string
  browser: string
}

export interface Visuals {
  settings: DeviceSettings
  filmstrip: Frame[]
  /** Base64 JPEG of the viewport at the end, or null. */
  screenshot: string | null
  speedIndex: number | null
  visuallyComplete: number | null
  lcpElement: LcpElement | null
  layoutShifts: LayoutShiftReport[]
  /** ms from navigation start of every frame painted (the filmstrip keeps fewer), for the gathered load. */
  frameTimes?: number[]
}
