/**
 * Bare-socket HTTP for timing tests: no agent, no pooling, nothing between the
 * stopwatch and the wire. Times are ms from just before the TCP connect.
 *
 *   const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
 *   r.firstByteMs // time to first byte over a new connection
 */

import net from 'node:net'

export interface RawResponse {
  firstByteMs: number
  text: string
}

export function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    let firstByteMs = -1
    let text = ''
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      if (firstByteMs < 0) firstByteMs = performance.now() - start
      text += chunk.toString('latin1')
    })
    socket.on('end', () => resolve({ firstByteMs, text }))
    socket.on('error', reject)
  })
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Reads from `socket` until `text` contains `marker`; resolves with what was read. */
export function readUntil(socket: net.Socket, marker: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      if (text.includes(marker)) {
        socket.off('data', onData)
        socket.off('error', reject)
        resolve(text)
      }
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
}

/** The body of a raw HTTP/1.1 response, de-chunked when it was sent chunked. */
export function bodyOf(response: string): string {
  const split = response.indexOf('\r\n\r\n')
  const head = response.slice(0, split)
  let rest = response.slice(split + 4)
  if (!/^transfer-encoding:\s*chunked/im.test(head)) return rest
  let body = ''
  for (;;) {
    const lineEnd = rest.indexOf('\r\n')
    const size = Number.parseInt(rest.slice(0, lineEnd), 16)
    if (!(size > 0)) return body
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size)
    rest = rest.slice(lineEnd + 2 + size + 2)
  }
}
