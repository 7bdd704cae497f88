/**
 * What every schema family shares: the `$ref` helper, the shapes of small values and the
 * API's error answer, with the response entries a route lists for its error statuses.
 *
 *   app.get('/api/tests/:id', { schema: { response: { 200: ref('SpeedTest'), ...errorResponses(404) } } }, …)
 */

import { API_ERROR_CODES } from '../errors.ts'

export const MAX_URL_LENGTH = 2048

/** `{ $ref }` to a shared schema by its `$id`. */
export const ref = (id: string): { $ref: string } => ({ $ref: `${id}#` })

export const nullable = (type: string, extra: Record<string, unknown> = {}) => ({
  type: [type, 'null'],
  ...extra,
})
export const ms = (description: string) =>
  nullable('number', { description: `${description} (ms from navigation start)` })

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every error answer of the API, with the HTTP status that belongs to its code.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [...API_ERROR_CODES],
          description:
            'invalid_url (400): the url is missing, not a string, or not an http(s) URL. ' +
            'bad_request (400; 413 body too large, 414 parameter too long, 415 unsupported content type, 431 headers too large): any other malformed request. ' +
            'blocked_address (400): the target resolves to a loopback, private, link-local or metadata address. ' +
            'unknown_region (400): no node runs in a requested region, or regions is not a list of codes. ' +
            'unauthorized (401): this deploy needs an API key (WPS_API_KEYS) and the request has none, or a wrong one. ' +
            'not_found (404): no such test or route. ' +
            'rate_limited (429, with Retry-After): too many tests started by this client, for this target host, or in all. ' +
            'internal (500): a fault of the server.',
        },
        message: { type: 'string', description: 'What went wrong, in words for people.' },
      },
    },
  },
} as const

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string; description: string }> {
  const described: Record<number, string> = {
    400: 'invalid_url, bad_request, blocked_address or unknown_region',
    401: 'unauthorized: an API key is needed (Authorization: Bearer <key>) or the one sent is wrong',
    404: 'not_found',
    413: 'bad_request: the body is too large',
    414: 'bad_request: a path parameter is too long',
    415: 'bad_request: the body is not JSON',
    429: 'rate_limited (by client, target host or in all); Retry-After says when to try again',
  }
  return Object.fromEntries(
    statuses.map((status) => [status, { ...ref('Error'), description: described[status] ?? 'error' }]),
  )
}
