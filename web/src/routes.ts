/**
 * The page's route table and a small router. Every route is a real URL the server
 * answers with index.html (src/server/app.ts `PAGE_ROUTES`), so each view is a link
 * that survives a reload and can be shared.
 *
 *   matchRoute('/tests/abc', '')              // { name: 'test', id: 'abc' }
 *   matchRoute('/history', '?url=a.com')      // { name: 'history', url: 'a.com' }
 *   matchRoute('/compare', '?a=1&b=2')        // { name: 'compare', a: '1', b: '2' }
 *   const route = useRoute(); navigate('/history?url=a.com')
 */
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { name: 'home' }
  | { name: 'test'; id: string }
  | { name: 'history'; url: string }
  | { name: 'compare'; a: string; b: string }
  | { name: 'not_found'; path: string }

interface RouteDef {
  pattern: RegExp
  build: (match: RegExpExecArray, query: URLSearchParams) => Route
}

/** The table: path pattern → route. The server's PAGE_ROUTES lists the same paths. */
export const ROUTES: RouteDef[] = [
  { pattern: /^\/$/, build: () => ({ name: 'home' }) },
  {
    pattern: /^\/tests\/([^/]+)\/?$/,
    build: (match) => ({ name: 'test', id: decodeURIComponent(match[1] ?? '') }),
  },
  { pattern: /^\/history\/?$/, build: (_m, query) => ({ name: 'history', url: query.get('url') ?? '' }) },
  {
    pattern: /^\/compare\/?$/,
    build: (_m, query) => ({ name: 'compare', a: query.get('a') ?? '', b: query.get('b') ?? '' }),
  },
]

export function matchRoute(path: string, search: string): Route {
  const query = new URLSearchParams(search)
  for (const route of ROUTES) {
    const match = route.pattern.exec(path)
    if (match) return route.build(match, query)
  }
  return { name: 'not_found', path }
}

export const testPath = (id: string): string => `/tests/${encodeURIComponent(id)}`
export const historyPath = (url: string): string => `/history?url=${encodeURIComponent(url)}`
export const comparePath = (a: string, b: string): string =>
  `/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`

const NAVIGATE = 'wps:navigate'

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return
  history.pushState(null, '', path)
  dispatchEvent(new Event(NAVIGATE))
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => matchRoute(location.pathname, location.search))
  useEffect(() => {
    const update = () => setRoute(matchRoute(location.pathname, location.search))
    addEventListener('popstate', update)
    addEventListener(NAVIGATE, update)
    return () => {
      removeEventListener('popstate', update)
      removeEventListener(NAVIGATE, update)
    }
  }, [])
  return route
}

/** A link that moves inside the page without a reload (and still opens in a new tab). */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
  const anchor = event.currentTarget
  if (!(anchor instanceof HTMLAnchorElement)) return
  event.preventDefault()
  navigate(anchor.pathname + anchor.search)
}
