/**
 * A one-way stretch of slow wire: whatever is pushed in comes out `delayMs` later,
 * in the order it went in. The latency proxy puts one in each direction of every
 * connection, so each chunk of data spends half a round trip "in flight" — without
 * waiting for a whole body, and without reordering chunks that arrive together.
 *
 * With `kbps` the wire is also narrow: a chunk of N bytes takes N × 8 / kbps ms to put
 * on it, after the chunks before it (a link that is busy sending queues the rest), and
 * then travels `delayMs`. That is the connectivity profiles' bandwidth, per connection.
 *
 *   const toServer = new DelayLine(50)
 *   socket.on('data', (chunk) => toServer.push(() => target.write(chunk))) // lands 50 ms later
 *   const toClient = new DelayLine(150, 1600)                              // 3G: 1.6 Mbps down
 *   toClient.push(() => client.write(chunk), chunk.length)                 // 10 kB: 150 + 50 ms
 */

import { performance } from 'node:perf_hooks'

export class DelayLine {
  private readonly queue: Array<{ due: number; run: () => void }> = []
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  /** When the narrow wire has finished sending what was pushed so far (performance.now() ms). */
  private linkFreeAt = 0

  constructor(
    readonly delayMs: number,
    /** Bandwidth in kilobits per second; 0 = unlimited. */
    readonly kbps = 0,
  ) {}

  /** `bytes` is what the chunk weighs on a narrow wire (ignored without `kbps`). */
  push(run: () => void, bytes = 0): void {
    if (this.stopped) return
    const now = performance.now()
    let sent = now
    if (this.kbps > 0 && bytes > 0) {
      this.linkFreeAt = Math.max(now, this.linkFreeAt) + (bytes * 8) / this.kbps
      sent = this.linkFreeAt
    }
    if (this.delayMs <= 0 && sent <= now && this.queue.length === 0) {
      run()
      return
    }
    // Never before what went in earlier: an end pushed after data must not overtake it.
    const due = Math.max(sent + this.delayMs, this.queue.at(-1)?.due ?? 0)
    this.queue.push({ due, run })
    if (!this.timer) this.arm()
  }

  /** Drops whatever is still in flight: the connection it belonged to is gone. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
    this.queue.length = 0
  }

  private arm(): void {
    const head = this.queue[0]
    if (!head) return
    // Node timers have 1 ms resolution; rounding up keeps data from arriving early.
    this.timer = setTimeout(() => this.release(), Math.max(0, Math.ceil(head.due - performance.now())))
  }

  private release(): void {
    this.timer = undefined
    const now = performance.now()
    while (!this.stopped && this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { run } = this.queue.shift()!
      try {
        run()
      } catch {
        // A write to a socket that just died: the socket's own error handler deals with it.
      }
    }
    if (!this.stopped) this.arm()
  }
}
