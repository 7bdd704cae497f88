/**
 * A row update crosses the cluster as one message, and NATS refuses a message over its
 * max payload (1 MB by default) — the row would be lost and its test would wait out its
 * deadline. Each part of a row has its own budget (images: visual-artifacts.ts, the
 * Lighthouse report: lighthouse-step.ts), but together with a long waterfall, every run's
 * network log and the gathered data they can still pass it. `fitRowUpdate` measures the
 * whole update and, while it is too big, leaves out what matters least, in this order:
 * the other runs' network logs, the gathered data, the Lighthouse report, the images
 * (and their links), and last the row's own waterfall. The numbers always go.
 *
 *   emit(fitRowUpdate(update))      // ≤ ROW_BUDGET bytes of JSON; the row's `trimmed` names what was left out
 *   emit(encodeRowUpdate(update))   // the same, as the JSON text it was measured as (encoded once)
 */
import { JsonText } from '../cluster/index.ts'
import type { RegionUpdate } from './protocol.ts'

/** Bytes of JSON per row update: NATS's 1 MB default less room for the message around it. */
export const ROW_BUDGET = 900_000

const bytesOf = (json: string): number => Buffer.byteLength(json)

type Trim = (update: RegionUpdate) => RegionUpdate | null

/** Each step returns the update without one part, or null when it has no such part. */
const TRIMS: ReadonlyArray<[string, Trim]> = [
  [
    'runEntries',
    (u) =>
      u.runs?.some((run) => run.entries !== undefined)
        ? { ...u, runs: u.runs.map(({ entries: _entries, ...run }) => run) }
        : null,
  ],
  ['gathered', ({ gathered, ...u }) => (gathered !== undefined ? u : null)],
  [
    'lighthouseReport',
    ({ reports, ...u }) => {
      if (reports === undefined) return null
      if (!u.artifacts?.lighthouse) return u
      const { lighthouse: _links, ...artifacts } = u.artifacts
      return { ...u, artifacts }
    },
  ],
  [
    'images',
    ({ images, ...u }) =>
      images !== undefined
        ? { ...u, ...(u.artifacts ? { artifacts: { ...u.artifacts, filmstrip: [], screenshot: null } } : {}) }
        : null,
  ],
  ['entries', ({ entries, ...u }) => (entries !== undefined ? u : null)],
]

export function fitRowUpdate(update: RegionUpdate, budget = ROW_BUDGET): RegionUpdate {
  return fit(update, budget).update
}

/**
 * The update fitted as `fitRowUpdate` fits it, as JSON text for the cluster: the text
 * its size was measured on, so a row that fits is encoded once, not twice.
 */
export function encodeRowUpdate(update: RegionUpdate, budget = ROW_BUDGET): JsonText {
  return new JsonText(fit(update, budget).json)
}

function fit(update: RegionUpdate, budget: number): { update: RegionUpdate; json: string } {
  const json = JSON.stringify(update)
  if (bytesOf(json) <= budget) return { update, json }
  let fitted = update
  const trimmed: string[] = []
  for (const [name, trim] of TRIMS) {
    const smaller = trim(fitted)
    if (!smaller) continue
    fitted = smaller
    trimmed.push(name)
    if (bytesOf(JSON.stringify(fitted)) <= budget) break
  }
  const result = { ...fitted, trimmed }
  return { update: result, json: JSON.stringify(result) }
}
