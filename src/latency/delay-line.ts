/**
 * A one-way stretch of slow wire: whatever is pushed in comes out `delayMs` later,
 * in the order it went in. The latency proxy puts one in each direction of every
 * connection, so each chunk of data spends half a round trip "in flight" — without
 * waiting for a whole body, and without reordering chunks that arrive together.
 *
 *   const toServer = new DelayLine(50)
 *   socket.on('data', (chunk) => toServer.push(() => target.write(chunk))) // lands 50 ms later
 */

import { performance } from 'node:perf_hooks'

export class DelayLine {
  private readonly queue: Array<{ due: number; run: () => void }> = []
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(readonly delayMs: number) {}

  push(run: () => void): void {
    if (this.stopped) return
    if (this.delayMs <= 0 && this.queue.length === 0) {
      run()
      return
    }
    this.queue.push({ due: performance.now() + this.delayMs, run })
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
