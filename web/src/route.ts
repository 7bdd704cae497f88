/**
 * A two-route router: `/` (the form) and `/tests/:id` (a test's live rows, a
 * permalink that survives reload). `navigate` pushes history and tells every
 * `usePath` hook; the back button works through `popstate`.
 *
 *   const path = usePath()
 *   const id = testIdFromPath(path)    // '/tests/abc' → 'abc'
 *   navigate('/tests/abc')
 */
import { useEffect, useState } from 'preact/hooks'

const NAVIGATE = 'wps:navigate'

export function navigate(path: string): void {
  if (path === location.pathname) return
  history.pushState(null, '', path)
  dispatchEvent(new Event(NAVIGATE))
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const update = () => setPath(location.pathname)
    addEventListener('popstate', update)
    addEventListener(NAVIGATE, update)
    return () => {
      removeEventListener('popstate', update)
      removeEventListener(NAVIGATE, update)
    }
  }, [])
  return path
}

export function testIdFromPath(path: string): string | null {
  const match = /^\/tests\/([^/]+)\/?$/.exec(path)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}
