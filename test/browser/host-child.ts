/**
 * A tiny program for lifecycle tests: launches a BrowserHost, prints one JSON line
 * `{ pid, userDataDir }`, and waits to be killed.
 *
 *   node --import tsx test/browser/host-child.ts
 */
import { BrowserHost } from '../../src/browser/index.ts'

const host = await BrowserHost.launch()
process.stdout.write(`${JSON.stringify({ pid: host.pid, userDataDir: host.userDataDir })}\n`)
setInterval(() => {}, 60_000)
