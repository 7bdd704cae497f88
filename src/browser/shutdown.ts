/**
 * Browsers must not outlive the process that launched them. Chromium already exits
 * when its DevTools pipe closes (measured: about 0.2 s after the Node process is
 * SIGKILLed), and puppeteer SIGKILLs the browser's process group on `exit`. What is
 * left is SIGTERM/SIGINT/SIGHUP: Node's default is to die without running `exit`
 * hooks, so while any browser is alive we listen for them, close every browser
 * cleanly (bounded), and then re-raise the signal so the process ends exactly as it
 * would have — unless the application has its own listener, which then decides.
 *
 *   const untrack = closeOnSignal({ close: () => browser.close() })
 *   // …later, once closed normally:
 *   untrack()
 */

export interface Closable {
  close(): Promise<void>
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
/** A wedged browser must not keep a dying process alive. */
const CLOSE_BUDGET_MS = 3000

const live = new Set<Closable>()
let installed = false

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  const closing = Promise.allSettled([...live].map((c) => c.close()))
  await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_BUDGET_MS).unref())])
  live.clear()
  uninstall()
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

const listeners = new Map<NodeJS.Signals, () => void>(
  SIGNALS.map((s) => [s, () => void onSignal(s)] as const),
)

function install(): void {
  if (installed) return
  installed = true
  for (const [signal, listener] of listeners) process.on(signal, listener)
}

function uninstall(): void {
  if (!installed) return
  installed = false
  for (const [signal, listener] of listeners) process.off(signal, listener)
}

/** Close `closable` if the process is told to stop. Returns the function that forgets it. */
export function closeOnSignal(closable: Closable): () => void {
  live.add(closable)
  install()
  return () => {
    live.delete(closable)
    if (live.size === 0) uninstall()
  }
}
