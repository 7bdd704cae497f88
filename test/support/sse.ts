/**
 * Reads a Server-Sent Events stream over real HTTP, as a browser's EventSource would,
 * and collects its named events until a stop condition — for tests of the live API.
 *
 *   const events = await readEvents(`${base}/api/tests/${id}/events`, (e) => e.event === 'done')
 */
export interface SseEvent {
  event: string
  data: unknown
  /** ms since the request was sent */
  at: number
}

export async function readEvents(
  url: string,
  until: (event: SseEvent) => boolean,
  timeoutMs = 60_000,
): Promise<SseEvent[]> {
  const started = performance.now()
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (!response.ok || !response.body) throw new Error(`SSE request failed: ${response.status}`)
  const events: SseEvent[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = response.body.getReader()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const frame = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\n\n')
      const lines = frame.split('\n').filter((line) => !line.startsWith(':'))
      const name = lines.find((line) => line.startsWith('event: '))?.slice(7)
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6)
      if (!name || data === undefined) continue
      const event = { event: name, data: JSON.parse(data) as unknown, at: performance.now() - started }
      events.push(event)
      if (until(event)) {
        await reader.cancel()
        return events
      }
    }
  }
  return events
}
