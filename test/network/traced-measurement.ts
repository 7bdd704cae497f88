/**
 * One real measurement, made to be traced: started (under `strace`, inside a network
 * namespace with only loopback) by no-phone-home.test.ts. It serves the fixture site on
 * 127.0.0.1, starts the browsers' egress proxy the way a node does — without the guard
 * (`private`: private targets allowed) or with it (`guard`: public addresses only, plus
 * exactly the fixture's address and port, as an allow-listed intranet target would be) —
 * measures the fixture's rich page through it, keeps the browser open a little longer
 * (background fetches would show then), and prints the measurement as JSON. With
 * `wps-run` it runs the whole product instead — `wps run <fixture> --json` with private
 * targets allowed, pool, runner and all — and prints what that printed; `wps-run-lighthouse`
 * the same with `--lighthouse` (Lighthouse's audit on the runner's browser).
 *
 *   node --import tsx test/network/traced-measurement.ts guard
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { BrowserHost } from '../../src/browser/index.ts'
import { startLatencyProxy } from '../../src/latency/proxy.ts'
import { type EgressGuard, publicAddressesOnly } from '../../src/net/egress-guard.ts'
import { FACTS, startFixtureSite } from '../fixtures/site.ts'

const mode = process.argv[2]
if (mode !== 'private' && mode !== 'guard' && mode !== 'wps-run' && mode !== 'wps-run-lighthouse') {
  console.error('usage: traced-measurement.ts private|guard|wps-run|wps-run-lighthouse')
  process.exit(2)
}
const LINGER_MS = 1500
const WPS_BIN = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))

const site = await startFixtureSite()
if (mode === 'wps-run' || mode === 'wps-run-lighthouse') {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        WPS_BIN,
        'run',
        `${site.url}${FACTS.rich.path}`,
        '--json',
        ...(mode === 'wps-run-lighthouse' ? ['--lighthouse'] : []),
      ],
      {
        env: { ...process.env, WPS_ALLOW_PRIVATE: '1' },
      },
    )
    process.stdout.write(stdout)
  } finally {
    await site.close()
  }
  process.exit(0)
}
const fixturePort = Number(new URL(site.url).port)
const fixtureOnly: EgressGuard = (address, port) =>
  address === '127.0.0.1' && port === fixturePort ? null : publicAddressesOnly(address, port)
const proxy = await startLatencyProxy({ rttMs: 0, ...(mode === 'guard' ? { guard: fixtureOnly } : {}) })
const host = await BrowserHost.launch({ proxyServer: proxy.url })
try {
  const measurement = await host.measure(`${site.url}${FACTS.rich.path}`, { timeoutMs: 15_000 })
  await new Promise((resolve) => setTimeout(resolve, LINGER_MS))
  process.stdout.write(`${JSON.stringify(measurement)}\n`)
} finally {
  await host.close()
  await proxy.close()
  await site.close()
}
