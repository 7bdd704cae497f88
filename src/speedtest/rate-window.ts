/**
 * Sliding-window counters: how many starts each key (a target host, or everything) had
 * in the last minute, and whether one more fits. A key's window holds the times of its
 * admitted starts; a start is admitted only when every key it counts against has room,
 * and then it is counted against all of them at once — so a start refused by the host
 * limit does not use up the overall one.
 *
 *   const windows = new RateWindows({ windowMs: 60_000 })
 *   windows.take([['host:example.com', 10], ['total', 120]])   // → { ok: true }
 *   // … the 11th within a minute:
 *   windows.take([['host:example.com', 10], ['total', 120]])   // → { ok: false, key: 'host:example.com', retryAfterMs: 41_200 }
 *
 * Memory is bounded by the starts admitted in one window: expired times are dropped on
 * every take, and a key with none left is forgotten. Pure apart from the clock.
 */
export type Take = { ok: true } | { ok: false; key: string; retryAfterMs: number }

export interface RateWindowsOptions {
  windowMs: number
  now?: () => number
}

export class RateWindows {
  readonly #windowMs: number
  readonly #now: () => number
  readonly #admitted = new Map<string, number[]>()

  constructor(options: RateWindowsOptions) {
    this.#windowMs = options.windowMs
    this.#now = options.now ?? Date.now
  }

  /** Admits one start against every `[key, limit]` if all have room; a limit ≤ 0 is no limit. */
  take(limits: ReadonlyArray<readonly [key: string, limit: number]>): Take {
    const now = this.#now()
    this.#expire(now)
    for (const [key, limit] of limits) {
      if (limit <= 0) continue
      const times = this.#admitted.get(key) ?? []
      if (times.length >= limit) {
        // Room again when the oldest start that keeps the window full leaves it.
        const freeing = times[times.length - limit] ?? now
        return { ok: false, key, retryAfterMs: Math.max(1, freeing + this.#windowMs - now) }
      }
    }
    for (const [key, limit] of limits) {
      if (limit <= 0) continue
      const times = this.#admitted.get(key) ?? []
      times.push(now)
      this.#admitted.set(key, times)
    }
    return { ok: true }
  }

  /** How many starts `key` has in the current window. */
  count(key: string): number {
    this.#expire(this.#now())
    return this.#admitted.get(key)?.length ?? 0
  }

  #expire(now: number): void {
    const since = now - this.#windowMs
    for (const [key, times] of this.#admitted) {
      let drop = 0
      while (drop < times.length && (times[drop] ?? 0) <= since) drop++
      if (drop === times.length) this.#admitted.delete(key)
      else if (drop > 0) times.splice(0, drop)
    }
  }
}
