/**
 * Graceful stop on SIGTERM/SIGINT, once: the first signal runs the cleanup (which ends
 * runners and their browsers); a second one, or a cleanup that hangs, exits at once so
 * Ctrl-C always works.
 *
 *   onShutdownSignal(async (signal) => { await server.close(); await node.stop() })
 */
export function onShutdownSignal(cleanup: (signal: NodeJS.Signals) => Promise<void>, graceMs = 10_000): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130)
    stopping = true
    setTimeout(() => process.exit(1), graceMs).unref()
    cleanup(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('error while stopping:', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}
