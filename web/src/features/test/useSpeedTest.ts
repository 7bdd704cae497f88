/**
 * One test, kept live. Fetches `GET /api/tests/:id` (so a permalink or a reload
 * shows what is known at once), then, while the test is running, subscribes to
 * its event stream: each `region` event replaces that node's row, `done`
 * replaces the whole test and closes the stream. A late subscriber is sent the
 * current state of every region first, so nothing between the fetch and the
 * subscription is missed.
 *
 *   const view = useSpeedTest(id)
 *   if (view.phase === 'ready') render(view.test.results)
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError, eventsUrl, getTest, type RegionResult, type SpeedTest } from '../../api.ts'

/** `closed`: the test is done and no stream is needed. */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'lost' | 'closed'

export type TestView =
  | { phase: 'idle' }
  | { phase: 'loading'; id: string }
  | { phase: 'not_found'; id: string }
  | { phase: 'failed'; id: string; message: string }
  | { phase: 'ready'; id: string; test: SpeedTest; connection: Connection }

/** Replace the row of `result.node`, or append it: rows keep their first-seen order. */
export function upsertResult(results: RegionResult[], result: RegionResult): RegionResult[] {
  const index = results.findIndex((row) => row.node === result.node)
  if (index === -1) return [...results, result]
  const next = results.slice()
  next[index] = result
  return next
}

export function useSpeedTest(id: string | null): TestView {
  const [view, setView] = useState<TestView>(id ? { phase: 'loading', id } : { phase: 'idle' })

  useEffect(() => {
    if (!id) {
      setView({ phase: 'idle' })
      return
    }
    setView({ phase: 'loading', id })
    const abort = new AbortController()
    let source: EventSource | null = null

    const patch = (change: (ready: Extract<TestView, { phase: 'ready' }>) => TestView) =>
      setView((current) => (current.phase === 'ready' && current.id === id ? change(current) : current))

    const subscribe = () => {
      const stream = new EventSource(eventsUrl(id))
      source = stream
      stream.addEventListener('open', () => patch((v) => ({ ...v, connection: 'live' })))
      stream.addEventListener('region', (event) => {
        const result = JSON.parse((event as MessageEvent<string>).data) as RegionResult
        patch((v) => ({
          ...v,
          connection: 'live',
          test: { ...v.test, results: upsertResult(v.test.results, result) },
        }))
      })
      stream.addEventListener('done', (event) => {
        stream.close()
        const test = JSON.parse((event as MessageEvent<string>).data) as SpeedTest
        patch((v) => ({ ...v, test, connection: 'closed' }))
      })
      stream.addEventListener('error', () => {
        // EventSource retries on its own after a dropped connection (CONNECTING);
        // CLOSED means it gave up, e.g. the server answered with a non-stream.
        const connection = stream.readyState === EventSource.CLOSED ? 'lost' : 'reconnecting'
        patch((v) => (v.connection === 'closed' ? v : { ...v, connection }))
      })
    }

    getTest(id, abort.signal).then(
      (test) => {
        if (abort.signal.aborted) return
        const running = test.state !== 'done'
        setView({ phase: 'ready', id, test, connection: running ? 'connecting' : 'closed' })
        if (running) subscribe()
      },
      (error: unknown) => {
        if (abort.signal.aborted) return
        if (error instanceof ApiError && error.status === 404) setView({ phase: 'not_found', id })
        else setView({ phase: 'failed', id, message: error instanceof Error ? error.message : String(error) })
      },
    )

    return () => {
      abort.abort()
      source?.close()
    }
  }, [id])

  return view
}
