/**
 * Graceful stop on SIGTERM/SIGINT, once: the first signal runs the cleanup (which ends
 * runners and their browsers); a second one, or a cleanup that hangs, exits at once so
 * Ctrl-C always works.
 *
 *   onShutdownSignal(async (signal) => { await server.close(); await node.stop() })      // exit 0: asked to stop, stopped
 *   onShutdownSignal(cleanup, { exitCode: signalExitCode })   // wps run: 130 on Ctrl-C, 143 on SIGTERM
 *
 * A server that was asked to stop and did has done its job (exit 0). A one-shot command
 * that was interrupted has not: it exits 128 + the signal's number, as a shell reports a
 * process killed by it, so a CI job whose timeout stops `wps run` fails.
 */
import { constants } from 'node:os'

export interface ShutdownOptions {
  graceMs?: number
  /** The exit code once the cleanup is done (default 0). */
  exitCode?: (signal: NodeJS.Signals) => number
}

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
export const signalExitCode = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 0)

export function onShutdownSignal(
  cleanup: (signal: NodeJS.Signals) => Promise<void>,
  options: ShutdownOptions = {},
): void {
  const { graceMs = 10_000, exitCode = () => 0 } = options
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signalExitCode(signal))
    stopping = true
    setTimeout(() => process.exit(Math.max(1, exitCode(signal))), graceMs).unref()
    cleanup(signal).then(
      () => process.exit(exitCode(signal)),
      (error: unknown) => {
        console.error('error while stopping:', error)
        process.exit(Math.max(1, exitCode(signal)))
      },
    )
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}
