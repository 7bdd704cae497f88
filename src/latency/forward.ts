/**
 * Plain-HTTP forwarding (a browser asks the proxy `GET http://host/path`), with the
 * same far-away link as the tunnels: a new connection to the target costs one round
 * trip, the request reaches the target half a round trip after the browser sent it,
 * and the response's head and every body chunk come back half a round trip later.
 * Connections to targets are kept alive per browser connection, as the browser's
 * own would be, so only the first request of a connection pays the handshake.
 *
 *   server.on('request', (req, res) => forwardRequest(req, res, { rttMs: 100, agentFor }))
 */

import http from 'node:http'
import type net from 'node:net'
import type { Duplex } from 'node:stream'
import type { EgressGuard } from '../net/egress-guard.ts'
import { connectUpstream } from './connect-upstream.ts'
import { DelayLine } from './delay-line.ts'
import { authorityOf, type UpstreamFailures } from './upstream-failures.ts'

export interface ForwardOptions {
  rttMs: number
  /** Bandwidth per connection, kbit/s (0 or unset: unlimited): target → browser, browser → target. */
  downKbps?: number
  upKbps?: number
  /** The keep-alive agent serving the browser connection this request came on. */
  agentFor: (client: net.Socket) => http.Agent
  /** Where unreachable targets are noted (upstream-failures.ts); the 502's header says it too. */
  failures?: UpstreamFailures
}

/**
 * An agent whose every new connection first waits one round trip (the emulated TCP
 * handshake) and then passes the egress guard, if any: a refused target fails the
 * request with the guard's code (`EBLOCKED:…`), like any unreachable one.
 */
export function createDelayedAgent(rttMs: number, guard?: EgressGuard): http.Agent {
  const agent = new http.Agent({ keepAlive: true })
  agent.createConnection = (options, callback) => {
    const open = () =>
      connectUpstream(
        (options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, ''),
        Number(options.port ?? 80),
        guard,
        (error, socket) => callback?.(error, socket as Duplex),
      )
    // No round trip to emulate: connect at once (a zero timer would still cost a millisecond).
    if (rttMs > 0) setTimeout(open, rttMs)
    else open()
    return undefined
  }
  return agent
}

export function forwardRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: ForwardOptions,
): void {
  let target: URL
  try {
    target = new URL(req.url ?? '')
  } catch {
    target = new URL('invalid:')
  }
  if (target.protocol !== 'http:') {
    res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' })
    res.end('this proxy forwards absolute http:// URLs; use CONNECT for anything else\n')
    return
  }
  const authority = authorityOf(target.href) ?? target.host
  const toTarget = new DelayLine(options.rttMs / 2, options.upKbps ?? 0)
  const toClient = new DelayLine(options.rttMs / 2, options.downKbps ?? 0)
  const agent = options.agentFor(req.socket)
  let upstream: http.ClientRequest | undefined

  toTarget.push(() => {
    upstream = http.request({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || 80,
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers: withoutHopByHop(req.rawHeaders),
      setHost: false,
      agent,
    })
    upstream.on('response', (response) => {
      options.failures?.forget(authority)
      relayResponse(response, res, toClient)
    })
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      options.failures?.note(authority, error.code ?? 'ERROR')
      toClient.push(() => {
        if (res.headersSent) {
          res.destroy()
          return
        }
        const code = error.code ?? 'ERROR'
        // No body: Chromium then shows its own error page, as for a failed direct connection,
        // rather than rendering ours (which would load /favicon.ico and count as the site's page).
        res.writeHead(502, { 'content-length': '0', 'x-wps-proxy-error': code })
        res.end()
      })
    })
  })
  req.on('data', (chunk: Buffer) => {
    toTarget.push(() => {
      if (upstream && !upstream.write(chunk)) {
        req.pause()
        upstream.once('drain', () => req.resume())
      }
    }, chunk.length)
  })
  req.on('end', () => toTarget.push(() => upstream?.end()))
  res.on('close', () => {
    if (!res.writableFinished) {
      toTarget.stop()
      toClient.stop()
      upstream?.destroy()
    }
  })
}

function relayResponse(response: http.IncomingMessage, res: http.ServerResponse, toClient: DelayLine): void {
  toClient.push(() => {
    res.writeHead(
      response.statusCode ?? 502,
      response.statusMessage,
      withoutOurHeaders(withoutHopByHop(response.rawHeaders)),
    )
  })
  response.on('data', (chunk: Buffer) => {
    toClient.push(() => {
      if (!res.write(chunk)) {
        response.pause()
        res.once('drain', () => response.resume())
      }
    }, chunk.length)
  })
  response.on('end', () => toClient.push(() => res.end()))
  response.on('error', () => toClient.push(() => res.destroy()))
}

/**
 * `x-wps-*` headers are the proxy's own words to the browser layer (`x-wps-proxy-error`
 * says the guard refused a target); a site that sends them must not be believed, so
 * they are dropped from every upstream response before it reaches the browser.
 */
export function withoutOurHeaders(rawHeaders: string[]): string[] {
  const kept: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!rawHeaders[i]!.toLowerCase().startsWith('x-wps-')) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!)
  }
  return kept
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Headers that describe one hop, not the message, stay on their hop (RFC 9110 §7.6.1). */
export function withoutHopByHop(rawHeaders: string[]): string[] {
  const named = new Set(HOP_BY_HOP)
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1]!.split(',')) named.add(token.trim().toLowerCase())
    }
  }
  const kept: string[] = []
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!named.has(rawHeaders[i]!.toLowerCase())) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!)
  }
  return kept
}
