/**
 * The page: a header, the URL form, and — on `/tests/:id` — that test's live
 * rows. The route is the only state that survives a reload, which is what
 * makes every test a permalink.
 *
 *   render(<App />, document.getElementById('app')!)
 */
import { useEffect, useState } from 'preact/hooks'
import { getRegions, type RegionInfo } from './api.ts'
import { ResultList } from './ResultList.tsx'
import { navigate, testIdFromPath, usePath } from './route.ts'
import { UrlForm } from './UrlForm.tsx'
import { useSpeedTest } from './useSpeedTest.ts'

function useRegions(): RegionInfo[] {
  const [regions, setRegions] = useState<RegionInfo[]>([])
  useEffect(() => {
    const abort = new AbortController()
    // Without the list the page still works: the server tests from every region by default.
    getRegions(abort.signal).then(
      (list) => Array.isArray(list) && setRegions(list),
      () => {},
    )
    return () => abort.abort()
  }, [])
  return regions
}

export function App() {
  const path = usePath()
  const id = testIdFromPath(path)
  const view = useSpeedTest(id)
  const regions = useRegions()
  const testedUrl = view.phase === 'ready' ? view.test.url : undefined

  useEffect(() => {
    document.title = testedUrl ? `${testedUrl} · World Page Speed` : 'World Page Speed'
  }, [testedUrl])

  return (
    <div class="page">
      <header class="site-head">
        <a
          class="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          <span class="brand-mark" aria-hidden="true" />
          World Page Speed
        </a>
        <p class="tagline">Watch a page load in a real browser from every region at once.</p>
      </header>

      <main>
        <UrlForm initialUrl={testedUrl} regions={regions} />

        {view.phase === 'loading' ? (
          <p class="placeholder" role="status">
            Loading test…
          </p>
        ) : null}
        {view.phase === 'not_found' ? (
          <div class="placeholder placeholder--problem" role="alert">
            <h2>Test not found</h2>
            <p>
              There is no test <span class="mono">{view.id}</span>. It may have expired; run a new one above.
            </p>
          </div>
        ) : null}
        {view.phase === 'failed' ? (
          <div class="placeholder placeholder--problem" role="alert">
            <h2>Could not load this test</h2>
            <p>{view.message}</p>
          </div>
        ) : null}
        {view.phase === 'ready' ? (
          <ResultList test={view.test} regions={regions} connection={view.connection} />
        ) : null}
      </main>

      <footer class="site-foot">
        Metrics from a fresh headless Chromium context per region: cold cache, no cookies.
      </footer>
    </div>
  )
}
