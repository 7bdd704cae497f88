/**
 * The latency emulator: a forward proxy on 127.0.0.1 that makes every target look
 * `rttMs` away. This kernel has no `tc netem`, so the delay lives in user space, in
 * front of the browser: Chromium is started with
 * `--proxy-server=<url> --proxy-bypass-list=<-loopback>` (the browser layer's
 * `proxyServer` option) and all its traffic — CONNECT tunnels for https, absolute-form
 * requests for http — crosses an emulated link where a connection costs one round
 * trip and each chunk half a round trip per direction. With `guard` it is also the
 * browser's egress filter: every upstream connection — the typed URL, each redirect,
 * each subresource — is checked on its resolved address before it is opened
 * (src/net/egress-guard.ts), so a public page cannot make us fetch 169.254.169.254.
 *
 *   const proxy = await startLatencyProxy({ rttMs: estimateRttMs('syd') ?? 0 })
 *   await browser.launch({ proxyServer: proxy.url }) // the page's TTFB grows by ≈ 2 × rtt
 *   await proxy.close()
 *
 * With `downKbps`/`upKbps` each connection is also that narrow, per direction (the
 * connectivity profiles: 3G is 1.6 Mbps down, 768 kbps up, 300 ms).
 *
 * Fidelity notes: bandwidth is per connection (not shared by the page's connections) and loss is not simulated. A target that
 * cannot be reached answers a plain request with 502 plus an `x-wps-proxy-error:
 * <errno code>` header, and CONNECT with 502 (Chromium: ERR_TUNNEL_CONNECTION_FAILED,
 * nothing more); both are noted, and `GET /upstream-failure?authority=host:port` sent
 * to the proxy itself tells the latest errno (upstream-failures.ts). The browser layer
 * reads either to report what a direct connection would have (errors.ts
 * `upstreamError`): connection_refused, dns_failure, … and, for a connection the guard
 * refused, blocked_address.
 */

import http from 'node:http'
import type net from 'node:net'
import type { Duplex } from 'node:stream'
import type { EgressGuard } from '../net/egress-guard.ts'
import { createDelayedAgent, forwardRequest } from './forward.ts'
import { openTunnel } from './tunnel.ts'
import { UPSTREAM_FAILURE_PATH, UpstreamFailures } from './upstream-failures.ts'

export interface LatencyProxyOptions {
  /** Round-trip time to emulate, in ms. 0 makes a plain (pass-through) proxy. */
  rttMs: number
  /** Bandwidth of each connection towards the browser, kbit/s; 0 or unset = unlimited. */
  downKbps?: number
  /** Bandwidth of each connection towards the target, kbit/s; 0 or unset = unlimited. */
  upKbps?: number
  /** Interface to listen on. Default 127.0.0.1: the proxy is for this machine's browsers only. */
  host?: string
  /** Default 0: any free port. */
  port?: number
  /**
   * Judges the resolved address of every upstream connection (src/net/egress-guard.ts);
   * a refused one fails with `EBLOCKED:<reason>:<address>` like an unreachable target.
   * Unset: the proxy connects wherever the browser asks.
   */
  guard?: EgressGuard
}

export interface LatencyProxy {
  /** e.g. `http://127.0.0.1:41234`, ready for `--proxy-server`. */
  url: string
  port: number
  rttMs: number
  close(): Promise<void>
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const rttMs = Math.max(0, options.rttMs)
  if (!Number.isFinite(rttMs)) throw new Error(`rttMs must be a finite number, got ${options.rttMs}`)
  const host = options.host ?? '127.0.0.1'
  const sockets = new Set<net.Socket | Duplex>()
  const agents = new Map<net.Socket, http.Agent>()
  const track = (socket: net.Socket | Duplex): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const agentFor = (client: net.Socket): http.Agent => {
    let agent = agents.get(client)
    if (!agent) {
      const created = createDelayedAgent(rttMs, options.guard)
      agents.set(client, created)
      client.once('close', () => {
        agents.delete(client)
        created.destroy()
      })
      agent = created
    }
    return agent
  }

  const failures = new UpstreamFailures()
  const bandwidth = { downKbps: kbps(options.downKbps), upKbps: kbps(options.upKbps) }

  const server = http.createServer({ noDelay: true }, (req, res) => {
    // Origin-form (`/path`) is addressed to the proxy itself; a browser sends proxies absolute URLs.
    if (req.url?.startsWith(`${UPSTREAM_FAILURE_PATH}?`)) answerForItself(req, res, failures)
    else forwardRequest(req, res, { rttMs, ...bandwidth, agentFor, failures })
  })
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    openTunnel(req.url ?? '', socket, head, { rttMs, ...bandwidth, track, failures, guard: options.guard }),
  )
  server.on('connection', track)
  server.on('clientError', (_error, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as net.AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address

  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    rttMs,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        for (const agent of agents.values()) agent.destroy()
      })
      return closing
    },
  }
}

function answerForItself(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  failures: UpstreamFailures,
): void {
  const url = new URL(req.url ?? '/', 'http://proxy')
  const authority = url.searchParams.get('authority')
  const failure = authority ? failures.latest(authority) : null
  res.writeHead(failure ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(failure ? { authority, ...failure } : {}))
}

function kbps(value: number | undefined): number {
  if (value === undefined) return 0
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`bandwidth must be a finite number ≥ 0, got ${value}`)
  return value
}
