/**
 * API keys for a private deploy (`WPS_API_KEYS`): with keys set, starting a test needs
 * `Authorization: Bearer <key>`, so a node on the internet is not an open page-load
 * service for anyone; reading stays open (permalinks keep working) unless
 * `WPS_API_KEYS_READ=1` closes the API's reads too. Without keys the hook is not installed.
 *
 *   installApiKeys(app, { keys: ['k1', 'k2'], protectReads: false })
 *   // POST /api/tests                                 → 401 unauthorized, WWW-Authenticate: Bearer
 *   // POST /api/tests  Authorization: Bearer k2      → as without keys
 *
 * A presented key is compared with every configured key, each through SHA-256 and
 * `timingSafeEqual`, and without stopping at the first match, so the time taken says
 * nothing about how much of a key was right, or which. Keys are never logged or echoed:
 * the answer says only that a key is missing or wrong. The health check, the metrics, the
 * API's docs and the web page stay open — the page's own reads follow `protectReads`.
 *
 * `GET /api/access` (always open, access-route.ts) says what needs a key, so the page can
 * ask for one before the user presses Go.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from './errors.ts'

export interface ApiKeysOptions {
  keys: readonly string[]
  /** WPS_API_KEYS_READ=1: the API's GETs need a key too. */
  protectReads: boolean
}

/** The security scheme the OpenAPI document names (openapi.ts), and that guarded routes list. */
export const BEARER_SCHEME = 'apiKey'

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Whether `presented` is one of `keys`, in time independent of where (or whether) it matches. */
export function keyMatches(presented: string, keys: readonly Buffer[]): boolean {
  const candidate = digest(presented)
  let matched = false
  for (const key of keys) matched = timingSafeEqual(candidate, key) || matched
  return matched
}

/** The key of `Authorization: Bearer <key>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '')
  return match?.[1] ?? null
}

export const ACCESS_PATH = '/api/access'

/** Routes that read the API, and need a key only with protectReads; the docs and what needs a key stay open. */
function isGuardedRead(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url
  return (
    path.startsWith('/api/') &&
    !path.startsWith('/api/docs') &&
    path !== '/api/openapi.json' &&
    path !== ACCESS_PATH
  )
}

/** Whether a request starts something (a test): every non-read method under /api/. */
function isStart(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url
  return path.startsWith('/api/') && request.method !== 'GET' && request.method !== 'HEAD'
}

export function installApiKeys(app: FastifyInstance, options: ApiKeysOptions): void {
  if (options.keys.length === 0) return
  const keys = options.keys.map(digest)
  app.addHook('onRequest', async (request, reply) => {
    const needed = isStart(request) || (options.protectReads && isGuardedRead(request))
    if (!needed) return
    const token = bearerToken(request.headers.authorization)
    if (token !== null && keyMatches(token, keys)) return
    reply.header('www-authenticate', 'Bearer')
    throw new ApiError(
      'unauthorized',
      token === null
        ? 'This deploy needs an API key: send Authorization: Bearer <key>.'
        : 'The API key is not valid for this deploy.',
    )
  })
}
