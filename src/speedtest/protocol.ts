/**
 * What the requesting node and a region node say to each other about a test. The
 * request names the test and the URL; the answer is a stream of row updates (partial
 * RegionResults) ending with the final one. Everything here crosses the network as
 * JSON, so whatever comes in is checked, not trusted.
 *
 *   cluster.call(node, MEASURE_METHOD, { testId, url }, { onMessage: (m) => parseRegionUpdate(m) })
 */
import { type DeviceName, isDeviceName } from '../browser/devices.ts'
import { type ConnectivityName, isConnectivityName } from './connectivity.ts'
import type { RegionResult, RegionStatus } from './model.ts'
import { rowFields } from './row-fields.ts'

export const MEASURE_METHOD = 'measure'

export interface MeasureRequest {
  testId: string
  url: string
  /** Page loads in a row, each in a fresh context; the row reports the median one. */
  runs: number
  device: DeviceName
  connectivity: ConnectivityName
  /** Also a second, warm-cache load in the same context (the row's `repeatView`). */
  repeatView?: boolean
  /** Also run a Lighthouse performance audit after the measurement (lighthouse-step.ts). */
  lighthouse?: boolean
}

export const MAX_RUNS = 5

/**
 * A change to a row. `images` and `gathered` travel only from the measuring node to the
 * requester, which keeps them in the store (the row's `artifacts` link to the images;
 * `gathered` is the row's raw data, gathered-artifact.ts) and never in the row.
 */
export type RegionUpdate = Partial<Omit<RegionResult, 'node' | 'region'>> & {
  status: RegionStatus
  images?: RowImage[]
  /** The gathered load(s) of the row's numbers, gzipped JSON in base64 (gathered-artifact.ts). */
  gathered?: string
  /** Reports of the row (the Lighthouse JSON), kept in the store like images. */
  reports?: RowReport[]
}

/** A text report of a row; `name` as in its URL (`lighthouse.json`). */
export interface RowReport {
  name: string
  text: string
}

export const REPORT_NAME = /^lighthouse\.json$/

/** A JPEG of the load; `name` as in its URL (`frame-3.jpg`, `screenshot.jpg`). */
export interface RowImage {
  name: string
  jpeg: string
}

export const IMAGE_NAME = /^[a-z0-9-]{1,40}\.jpg$/

export function parseMeasureRequest(payload: unknown): MeasureRequest | null {
  if (typeof payload !== 'object' || payload === null) return null
  const { testId, url, runs, device, connectivity, repeatView, lighthouse } = payload as Record<
    string,
    unknown
  >
  if (typeof testId !== 'string' || typeof url !== 'string') return null
  const count = Number.isInteger(runs) ? Math.min(MAX_RUNS, Math.max(1, runs as number)) : 1
  return {
    testId,
    url,
    runs: count,
    device: isDeviceName(device) ? device : 'desktop',
    connectivity: isConnectivityName(connectivity) ? connectivity : 'native',
    ...(repeatView === true ? { repeatView: true } : {}),
    ...(lighthouse === true ? { lighthouse: true } : {}),
  }
}

export function parseRegionUpdate(message: unknown): RegionUpdate | null {
  if (typeof message !== 'object' || message === null) return null
  const update = message as Record<string, unknown>
  // Each row field checked (row-fields.ts); identity fields (node, region) belong to the
  // row, never to a message about it, and are not among them.
  const parsed: RegionUpdate | null = rowFields(update)
  if (!parsed) return null
  const { images, gathered, reports } = update
  // Checked when it is read back (parseGatheredArtifact); here only its kind.
  if (typeof gathered === 'string') parsed.gathered = gathered
  if (reports !== undefined) {
    if (!Array.isArray(reports)) return null
    parsed.reports = reports.filter(
      (report): report is RowReport =>
        typeof report === 'object' &&
        report !== null &&
        typeof report.name === 'string' &&
        REPORT_NAME.test(report.name) &&
        typeof report.text === 'string',
    )
  }
  if (images === undefined) return parsed
  if (!Array.isArray(images)) return null
  const valid = images.filter(
    (image): image is RowImage =>
      typeof image === 'object' &&
      image !== null &&
      typeof image.name === 'string' &&
      IMAGE_NAME.test(image.name) &&
      typeof image.jpeg === 'string',
  )
  return { ...parsed, images: valid }
}
