/**
 * `/history?url=`: the past tests of a URL, newest first, with a small trend of load time
 * per region across them. Tick two tests to compare them (`/compare?a=&b=`, older as a).
 *
 *   <HistoryPage url="https://example.com/" />
 */
import { useEffect, useState } from 'preact/hooks'
import { formatMs, statusText } from '../../../../src/format/index.ts'
import { getHistory, type HistoryPage as Page, type TestSummary } from '../../api.ts'
import { comparePath, historyPath, navigate, onLinkClick, testPath } from '../../routes.ts'
import { testOutcome } from '../test/outcome.ts'
import styles from './history.module.css'
import { sparkline, trendSeries } from './trend.ts'

type State = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; page: Page }

function useHistory(url: string): State {
  const [state, setState] = useState<State>({ phase: 'loading' })
  useEffect(() => {
    const abort = new AbortController()
    setState({ phase: 'loading' })
    getHistory(url, abort.signal).then(
      (page) => !abort.signal.aborted && setState({ phase: 'ready', page }),
      (error: unknown) =>
        !abort.signal.aborted &&
        setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) }),
    )
    return () => abort.abort()
  }, [url])
  return state
}

function Trend({ tests }: { tests: TestSummary[] }) {
  const series = trendSeries(tests, 'load')
  if (tests.length < 2) return null
  return (
    <div class={styles.trends}>
      <h3 class={styles.subtitle}>Load time per region, oldest → newest</h3>
      <ul class={styles.trendList}>
        {series.map((line) => {
          const drawn = sparkline(line.values, 120, 32)
          const measured = line.values.filter((value): value is number => value !== null)
          const latest = measured.at(-1)
          return (
            <li key={line.region} data-region={line.region}>
              <span class={styles.region}>{line.region}</span>
              <svg
                width="120"
                height="32"
                viewBox="0 0 120 32"
                role="img"
                aria-label={`${line.region}: ${measured.map((v) => formatMs(v)).join(', ')}`}
              >
                <path d={drawn.d} class={styles.line} />
                {drawn.points.map((point) => (
                  <circle key={`${point.x}`} cx={point.x} cy={point.y} r="2.5" class={styles.point} />
                ))}
              </svg>
              <span class={styles.latest}>{latest === undefined ? '—' : formatMs(latest)}</span>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

export function HistoryPage({ url }: { url: string }) {
  const state = useHistory(url)
  const [picked, setPicked] = useState<string[]>([])
  const [draft, setDraft] = useState(url)

  const toggle = (id: string) =>
    setPicked((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2),
    )

  const tests = state.phase === 'ready' ? state.page.tests : []
  // Older first, so the difference reads as "before → after".
  const pair = tests.filter((test) => picked.includes(test.id)).reverse()

  return (
    <section class={styles.history} data-testid="history" aria-labelledby="history-title">
      <h2 id="history-title">History{url ? <span class="mono"> of {url}</span> : ' of recent tests'}</h2>
      <form
        class={styles.search}
        onSubmit={(event) => {
          event.preventDefault()
          navigate(historyPath(draft.trim()))
        }}
      >
        <label for="history-url">URL</label>
        <input id="history-url" type="text" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Show</button>
      </form>

      {state.phase === 'loading' ? <p role="status">Loading history…</p> : null}
      {state.phase === 'failed' ? <p role="alert">Could not load the history: {state.message}</p> : null}
      {state.phase === 'ready' && tests.length === 0 ? <p>No tests of this URL yet.</p> : null}

      {tests.length > 0 ? (
        <>
          <Trend tests={tests} />
          <div class={styles.actions}>
            {pair.length === 2 && pair[0] && pair[1] ? (
              <a class={styles.compare} href={comparePath(pair[0].id, pair[1].id)} onClick={onLinkClick}>
                Compare the two selected tests
              </a>
            ) : (
              <p class={styles.hint}>Select two tests to compare them.</p>
            )}
          </div>
          <ol class={styles.list}>
            {tests.map((test) => {
              const outcome = testOutcome(test)
              return (
                <li key={test.id} data-testid="history-item" data-id={test.id}>
                  <label class={styles.pick}>
                    <input
                      type="checkbox"
                      checked={picked.includes(test.id)}
                      onChange={() => toggle(test.id)}
                    />
                    <span class="visually-hidden">
                      Select test of {new Date(test.createdAt).toLocaleString()}
                    </span>
                  </label>
                  <a href={testPath(test.id)} onClick={onLinkClick} class={styles.when}>
                    <time dateTime={test.createdAt}>{new Date(test.createdAt).toLocaleString()}</time>
                  </a>
                  <span class={`state state--${outcome.tone}`}>{outcome.text}</span>
                  {url ? null : <span class="mono">{test.url}</span>}
                  <span class={styles.rows}>
                    {test.results.map((row) => (
                      <span key={row.node} data-region={row.region}>
                        {row.region}{' '}
                        {row.status === 'complete' ? formatMs(row.metrics.load) : statusText(row.status)}
                      </span>
                    ))}
                  </span>
                </li>
              )
            })}
          </ol>
        </>
      ) : null}
    </section>
  )
}
