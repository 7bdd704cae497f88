/**
 * A Server-Sent Events stream on a raw Node response: named events with JSON data, a
 * comment heartbeat so proxies keep the connection, and a close hook. EventSource in
 * the browser reconnects by itself; our streams replay current state on connect, so a
 * reconnect misses nothing.
 *
 *   const stream = openEventStream(reply.raw, request.raw)
 *   stream.send('region', result)
 *   stream.onClose(() => unsubscribe())
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface EventStream {
  send(event: string, data: unknown): void
  end(): void
  onClose(listener: () => void): void
}

export function openEventStream(
  response: ServerResponse,
  request: IncomingMessage,
  options: { heartbeatMs?: number; headers?: Record<string, string> } = {},
): EventStream {
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  response.write(': stream open\n\n')
  const heartbeat = setInterval(() => response.write(': ping\n\n'), options.heartbeatMs ?? 15_000)
  heartbeat.unref()
  const closeListeners: Array<() => void> = []
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    for (const listener of closeListeners) listener()
  }
  request.on('close', close)
  response.on('close', close)
  return {
    send(event, data) {
      if (!closed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    },
    end() {
      close()
      response.end()
    },
    onClose(listener) {
      closeListeners.push(listener)
    },
  }
}
