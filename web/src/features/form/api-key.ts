/**
 * The API key the start form sends on a deploy that needs one (`GET /api/access` says
 * so), kept in this browser's localStorage so it is typed once, and turned into the
 * header the API expects. Storage can be unavailable (private mode, blocked): then the
 * key lives only as long as the page.
 *
 *   saveApiKey(' k-0123… ')          // trimmed, kept
 *   authorization(loadApiKey())      // → { authorization: 'Bearer k-0123…' }, or {} without a key
 */

const STORAGE_KEY = 'wps.apiKey'

let memory = ''

export function loadApiKey(): string {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? memory
  } catch {
    return memory
  }
}

export function saveApiKey(key: string): void {
  memory = key.trim()
  try {
    if (memory) globalThis.localStorage?.setItem(STORAGE_KEY, memory)
    else globalThis.localStorage?.removeItem(STORAGE_KEY)
  } catch {}
}

/** The request header for `key`; none for an empty key. */
export function authorization(key: string): Record<string, string> {
  const trimmed = key.trim()
  return trimmed ? { authorization: `Bearer ${trimmed}` } : {}
}
