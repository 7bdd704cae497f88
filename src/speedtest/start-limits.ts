/**
 * The tester must not become a load generator: at most `perHost` tests per target host
 * per minute across the whole cluster (`WPS_RATE_LIMIT_PER_HOST_PER_MIN`, 10), and at
 * most `total` tests per minute in all (`WPS_RATE_LIMIT_TOTAL_PER_MIN`) — besides the
 * per-client limit the HTTP server keeps. Each test makes every region load the page, so
 * without this a few clients on many nodes could point the cluster at someone's site.
 *
 *   const limits = new StartLimits(cluster, { perHost: 10, total: 120 })
 *   await limits.take('example.com')   // → { ok: true } or { ok: false, scope: 'host', retryAfterMs }
 *
 * One node counts for the cluster: the member with the lowest node id, which every node
 * computes alike from its member list. A node asks it over the cluster (`limits.take`)
 * and it answers from its own sliding windows (rate-window.ts) — one counter, so the
 * limit holds however the starts are spread over nodes, and two starts cannot both take
 * the last place. When the counting node cannot be asked (it just left, or the call
 * fails), a node counts itself, so a start is still limited, by that node alone, until
 * membership settles. The counting node's own limits are the ones that hold.
 */
import type { Cluster } from '../cluster/index.ts'
import { RateWindows, type Take } from './rate-window.ts'

export const LIMITS_METHOD = 'limits.take'
const WINDOW_MS = 60_000
const ASK_TIMEOUT_MS = 2000

export interface StartLimitsOptions {
  /** Tests per target host per minute, cluster-wide; 0 = no limit. */
  perHost: number
  /** Tests per minute in all, cluster-wide; 0 = no limit. */
  total: number
  now?: () => number
}

export type LimitVerdict = { ok: true } | { ok: false; scope: 'host' | 'total'; retryAfterMs: number }

const TOTAL_KEY = 'total'

export class StartLimits {
  readonly #cluster: Cluster
  readonly #options: StartLimitsOptions
  readonly #windows: RateWindows

  constructor(cluster: Cluster, options: StartLimitsOptions) {
    this.#cluster = cluster
    this.#options = options
    this.#windows = new RateWindows({ windowMs: WINDOW_MS, ...(options.now ? { now: options.now } : {}) })
    cluster.serve(LIMITS_METHOD, async (payload) => {
      const host = hostOf(payload)
      if (host === null) throw new Error('limits.take needs {"host": string}')
      return this.#takeHere(host)
    })
  }

  /** Counts one test against `host` (a URL's host name) and the total, if both have room. */
  async take(host: string): Promise<LimitVerdict> {
    const counter = this.#counter()
    if (counter === this.#cluster.self.node) return this.#takeHere(host)
    try {
      const answer = parseVerdict(
        await this.#cluster.call(counter, LIMITS_METHOD, { host }, { timeout: ASK_TIMEOUT_MS }),
      )
      if (answer) return answer
    } catch {
      // The counting node is gone or slow: count here rather than not at all.
    }
    return this.#takeHere(host)
  }

  /** The member that counts for the cluster. */
  #counter(): string {
    const nodes = this.#cluster.members().map((member) => member.node)
    return nodes.sort()[0] ?? this.#cluster.self.node
  }

  #takeHere(host: string): LimitVerdict {
    const taken: Take = this.#windows.take([
      [`host:${host}`, this.#options.perHost],
      [TOTAL_KEY, this.#options.total],
    ])
    if (taken.ok) return taken
    return { ok: false, scope: taken.key === TOTAL_KEY ? 'total' : 'host', retryAfterMs: taken.retryAfterMs }
  }
}

function hostOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null
  const host: unknown = Reflect.get(payload, 'host')
  return typeof host === 'string' && host.length > 0 && host.length <= 255 ? host : null
}

function parseVerdict(value: unknown): LimitVerdict | null {
  if (typeof value !== 'object' || value === null) return null
  const ok: unknown = Reflect.get(value, 'ok')
  if (ok === true) return { ok: true }
  const scope: unknown = Reflect.get(value, 'scope')
  const retryAfterMs: unknown = Reflect.get(value, 'retryAfterMs')
  if (ok === false && (scope === 'host' || scope === 'total') && typeof retryAfterMs === 'number') {
    return { ok: false, scope, retryAfterMs }
  }
  return null
}
