/**
 * Retention: tests older than `WPS_RETENTION_DAYS` are deleted with their rows and
 * artifacts — once at start, then periodically — so the store does not grow without
 * bound. Every node may run it against a shared database: deleting what is already
 * gone is a no-op.
 *
 *   const retention = startRetention(store, { days: 30 })   // checks now, then hourly
 *   retention.stop()
 */
import type { TestStore } from './test-store.ts'

export interface RetentionOptions {
  days: number
  /** Default one hour. */
  intervalMs?: number
  onError?: (error: unknown) => void
  onSweep?: (deleted: number) => void
  now?: () => number
}

export interface Retention {
  /** One clean-up now; resolves to how many tests it deleted. */
  sweep(): Promise<number>
  stop(): Promise<void>
}

const DAY_MS = 24 * 60 * 60 * 1000

export function startRetention(store: TestStore, options: RetentionOptions): Retention {
  const now = options.now ?? Date.now
  let running: Promise<number> | null = null
  const sweep = (): Promise<number> => {
    running ??= store
      .deleteCreatedBefore(new Date(now() - options.days * DAY_MS))
      .then((deleted) => {
        options.onSweep?.(deleted)
        return deleted
      })
      .finally(() => {
        running = null
      })
    return running
  }
  const background = () =>
    void sweep().catch((error: unknown) =>
      (options.onError ?? ((e) => console.error('retention:', e)))(error),
    )
  background()
  const timer = setInterval(background, options.intervalMs ?? 60 * 60 * 1000)
  timer.unref()
  return {
    sweep,
    async stop() {
      clearInterval(timer)
      await running?.catch(() => 0)
    },
  }
}
