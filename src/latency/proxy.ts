/**
 * The latency emulator: a forward proxy on 127.0.0.1 that makes every target look
 * `rttMs` away. This kernel has no `tc netem`, so the delay lives in user space, in
 * front of the browser: Chromium is started with
 * `--proxy-server=<url> --proxy-bypass-list=<-loopback>` (the browser layer's
 * `proxyServer` option) and all its traffic — CONNECT tunnels for https, absolute-form
 * requests for http — crosses an emulated link where a connection costs one round
 * trip and each chunk half a round trip per direction. It connects only where the
 * browser asks; the URL policy upstream decides what the browser may ask for.
 *
 *   const proxy = await startLatencyProxy({ rttMs: estimateRttMs('syd') ?? 0 })
 *   await browser.launch({ proxyServer: proxy.url }) // the page's TTFB grows by ≈ 2 × rtt
 *   await proxy.close()
 *
 * Fidelity notes: bandwidth is not limited and loss is not simulated; a target that
 * cannot be reached answers CONNECT with 502 (Chromium: ERR_TUNNEL_CONNECTION_FAILED)
 * and a plain request with 502 plus an `x-wps-proxy-error: <errno code>` header.
 */

import http from 'node:http'
import type net from 'node:net'
import type { Duplex } from 'node:stream'
import { createDelayedAgent, forwardRequest } from './forward.ts'
import { openTunnel } from './tunnel.ts'

export interface LatencyProxyOptions {
  /** Round-trip time to emulate, in ms. 0 makes a plain (pass-through) proxy. */
  rttMs: number
  /** Interface to listen on. Default 127.0.0.1: the proxy is for this machine's browsers only. */
  host?: string
  /** Default 0: any free port. */
  port?: number
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
      const created = createDelayedAgent(rttMs)
      agents.set(client, created)
      client.once('close', () => {
        agents.delete(client)
        created.destroy()
      })
      agent = created
    }
    return agent
  }

  const server = http.createServer({ noDelay: true }, (req, res) =>
    forwardRequest(req, res, { rttMs, agentFor }),
  )
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    openTunnel(req.url ?? '', socket, head, { rttMs, track }),
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
