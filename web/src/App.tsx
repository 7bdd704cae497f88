/**
 * The page: a header, then the view the route table (routes.ts) picks — the form on `/`,
 * the form and a test's live results on `/tests/:id`, a URL's past tests on `/history`,
 * two tests side by side on `/compare`. The URL is the only state that survives a
 * reload, which makes every view a link.
 *
 *   render(<App />, document.getElementById('app')!)
 */
import { useCallback, useEffect, useState } from 'preact/hooks'
import { getRegions, type RegionInfo } from './api.ts'
import { ComparePage } from './features/compare/ComparePage.tsx'
import { UrlForm } from './features/form/UrlForm.tsx'
import { HistoryPage } from './features/history/HistoryPage.tsx'
import { TestPage } from './features/test/TestPage.tsx'
import { historyPath, onLinkClick, type Route, useRoute } from './routes.ts'

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

function View({
  route,
  regions,
  onUrl,
}: {
  route: Route
  regions: RegionInfo[]
  onUrl: (url?: string) => void
}) {
  switch (route.name) {
    case 'home':
      return null
    case 'test':
      return <TestPage key={route.id} id={route.id} regions={regions} onUrl={onUrl} />
    case 'history':
      return <HistoryPage key={route.url} url={route.url} />
    case 'compare':
      return <ComparePage a={route.a} b={route.b} />
    case 'not_found':
      return (
        <div class="placeholder placeholder--problem" role="alert">
          <h2>Page not found</h2>
          <p>
            There is nothing at <span class="mono">{route.path}</span>. Run a test from the form above.
          </p>
        </div>
      )
  }
}

export function App() {
  const route = useRoute()
  const regions = useRegions()
  const [testedUrl, setTestedUrl] = useState<string | undefined>()
  const onUrl = useCallback((url?: string) => setTestedUrl(url), [])
  const withForm = route.name === 'home' || route.name === 'test' || route.name === 'not_found'

  useEffect(() => {
    if (route.name === 'home') document.title = 'World Page Speed'
    if (route.name === 'history') document.title = 'History · World Page Speed'
    if (route.name === 'compare') document.title = 'Compare · World Page Speed'
  }, [route])

  return (
    <div class="page">
      <header class="site-head">
        <a class="brand" href="/" onClick={onLinkClick}>
          <span class="brand-mark" aria-hidden="true" />
          World Page Speed
        </a>
        <p class="tagline">Watch a page load in a real browser from every region at once.</p>
        <nav aria-label="Pages" class="site-nav">
          <a href={historyPath('')} onClick={onLinkClick}>
            Recent tests
          </a>
        </nav>
      </header>

      <main>
        {withForm ? (
          <UrlForm initialUrl={route.name === 'test' ? testedUrl : undefined} regions={regions} />
        ) : null}
        <View route={route} regions={regions} onUrl={onUrl} />
      </main>

      <footer class="site-foot">
        Metrics from a fresh headless Chromium context per region: cold cache, no cookies.
      </footer>
    </div>
  )
}
