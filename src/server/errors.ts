/**
 * The one shape every API error takes: `{ "error": { "code", "message" } }`, with the
 * HTTP status that belongs to the code. Routes throw or send these; nothing else
 * invents error JSON.
 *
 *   reply.code(statusFor('not_found')).send(errorBody('not_found', 'No test with id abc.'))
 */
export const API_ERROR_CODES = [
  'invalid_url',
  'bad_request',
  'blocked_address',
  'unknown_region',
  'unauthorized',
  'not_found',
  'rate_limited',
  'internal',
] as const

export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

const STATUS: Record<ApiErrorCode, number> = {
  invalid_url: 400,
  blocked_address: 400,
  unknown_region: 400,
  bad_request: 400,
  unauthorized: 401,
  rate_limited: 429,
  not_found: 404,
  internal: 500,
}

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string }
}

export const statusFor = (code: ApiErrorCode): number => STATUS[code]

export const errorBody = (code: ApiErrorCode, message: string): ApiErrorBody => ({ error: { code, message } })

/** An error that knows its API code; thrown from hooks and plugins that cannot reply themselves. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly statusCode = STATUS[code],
  ) {
    super(message)
  }
}
