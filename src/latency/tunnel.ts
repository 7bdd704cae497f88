/**
 * CONNECT tunnels (what a browser uses for https:// and wss:// through a proxy),
 * with a far-away link emulated in between: opening the connection to the target
 * costs one round trip, like a TCP handshake, and from then on every chunk spends
 * half a round trip in flight in each direction — so a TLS handshake costs one
 * more round trip and each request/response another, as it would over the wire.
 *
 *   server.on('connect', (req, socket, head) => openTunnel(req.url!, socket, head, { rttMs: 100, track }))
 */

import type net from 'node:net'
import type { Duplex } from 'node:stream'
import type { EgressGuard } from '../net/egress-guard.ts'
import { connectUpstream } from './connect-upstream.ts'
import { DelayLine } from './delay-line.ts'
import type { UpstreamFailures } from './upstream-failures.ts'

export interface LinkOptions {
  rttMs: number
  /** Bandwidth per connection, kbit/s (0 or unset: unlimited): target → browser, browser → target. */
  downKbps?: number
  upKbps?: number
  /** Registers a socket so the proxy can destroy it on close. */
  track: (socket: net.Socket | Duplex) => void
  /** Where unreachable targets are noted, so the browser can later learn why (upstream-failures.ts). */
  failures?: UpstreamFailures
  /** Judges the resolved address of every target before connecting (src/net/egress-guard.ts). */
  guard?: EgressGuard
}

export function openTunnel(authority: string, client: Duplex, head: Buffer, options: LinkOptions): void {
  options.track(client)
  client.on('error', () => client.destroy())
  const target = parseAuthority(authority)
  if (!target) {
    client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    return
  }
  const fail = (code: string): void => {
    // Chromium discards this answer (ERR_TUNNEL_CONNECTION_FAILED); the note is what explains it.
    options.failures?.note(authority, code)
    client.end(`HTTP/1.1 502 Bad Gateway\r\nX-Wps-Proxy-Error: ${code}\r\nConnection: close\r\n\r\n`)
  }
  const open = (): void => {
    if (client.destroyed) return
    connectUpstream(target.host, target.port, options.guard, (refused, upstream) => {
      if (refused || !upstream) {
        fail(refused?.code ?? 'ERROR')
        return
      }
      options.track(upstream)
      if (client.destroyed) {
        upstream.destroy()
        return
      }
      upstream.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERROR'))
      upstream.once('connect', () => {
        upstream.removeAllListeners('error')
        options.failures?.forget(authority)
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const toTarget = new DelayLine(options.rttMs / 2, options.upKbps ?? 0)
        const toClient = new DelayLine(options.rttMs / 2, options.downKbps ?? 0)
        if (head.length > 0) toTarget.push(() => upstream.write(head), head.length)
        delayedPipe(client, upstream, toTarget)
        delayedPipe(upstream, client, toClient)
      })
    })
  }
  // No round trip to emulate: connect at once (a zero timer would still cost a millisecond).
  if (options.rttMs <= 0) {
    open()
    return
  }
  const handshake = setTimeout(open, options.rttMs)
  client.once('close', () => clearTimeout(handshake))
}

/**
 * Copies `from` into `to` through `line`, keeping order and honouring back-pressure.
 * An orderly end travels the line like data; an error tears both sides down at once.
 */
export function delayedPipe(from: Duplex, to: Duplex, line: DelayLine): void {
  from.on('data', (chunk: Buffer) => {
    line.push(() => {
      if (to.destroyed) return
      if (!to.write(chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    }, chunk.length)
  })
  from.on('end', () => line.push(() => to.end()))
  from.on('error', () => {
    line.stop()
    to.destroy()
  })
  // Closing without an error also travels the line, so data still in flight is not cut off.
  from.on('close', () => line.push(() => to.end()))
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(authority)
  if (!match) return undefined
  const port = Number(match[3])
  if (port < 1 || port > 65535) return undefined
  return { host: (match[1] ?? match[2])!, port }
}
