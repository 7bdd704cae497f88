/**
 * Every error answer in our one shape, `{"error": {"code", "message"}}`, with the
 * security headers — ours and Fastify's own: a body that fails its schema, a JSON body
 * that does not parse (400), one too large (413), an over-long path parameter (414), a
 * content type we do not read (415), a route that does not exist (404), a URL whose
 * percent-encoding is broken (`GET /%`, 400), and even a request Node's HTTP parser
 * refuses before Fastify sees it.
 *
 *   const app = Fastify({ frameworkErrors: frameworkErrors(headers), clientErrorHandler })
 *   installErrorHandling(app, headers)
 *
 * Schema errors on `url` are `invalid_url`: to the user a number, an array or a missing
 * field is a bad URL whatever the schema says. A malformed `regions` list is
 * `unknown_region`, as the test service itself says; every other one is `bad_request`.
 */
import type { Socket } from 'node:net'
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify'
import { ApiError, type ApiErrorCode, errorBody, statusFor } from './errors.ts'
import type { SecurityHeaders } from './security-headers.ts'

/** Words for the fields people get wrong most, instead of the schema's. */
const FIELD_HINTS: Record<string, string> = {
  url: 'Give "url" as a string, such as "https://example.com".',
  runs: '"runs" must be a whole number from 1 to 5.',
  regions: '"regions" must be a non-empty list of region codes, such as ["ord", "fra"].',
}

function fieldOf(issue: FastifySchemaValidationError): string {
  const missing = (issue.params as { missingProperty?: unknown }).missingProperty
  if (issue.instancePath === '' && typeof missing === 'string') return missing
  return issue.instancePath.split('/')[1] ?? ''
}

export function describeValidation(
  issues: FastifySchemaValidationError[],
  context: string,
): { code: ApiErrorCode; message: string } {
  const fields = issues.map(fieldOf)
  if (fields.includes('url')) {
    const missing = issues.some((issue) => fieldOf(issue) === 'url' && issue.keyword === 'required')
    return {
      code: 'invalid_url',
      message: missing ? 'Enter a URL to test: "url" is missing.' : (FIELD_HINTS.url as string),
    }
  }
  const field = fields.find((name) => FIELD_HINTS[name])
  // The same answer the test service gives `wps run` for a malformed list of regions.
  if (field)
    return {
      code: field === 'regions' ? 'unknown_region' : 'bad_request',
      message: FIELD_HINTS[field] as string,
    }
  const first = issues[0]
  const where = first?.instancePath
    ? `"${first.instancePath.slice(1).replaceAll('/', '.')}"`
    : `the ${context}`
  return { code: 'bad_request', message: `${where} ${first?.message ?? 'is not valid'}.` }
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthorized'
  if (status === 404) return 'not_found'
  if (status === 429) return 'rate_limited'
  return status >= 500 ? 'internal' : 'bad_request'
}

/** Fastify's own errors, worded for people. */
function describeFastifyError(error: FastifyError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Send the body as JSON (content-type: application/json), not ${error.message.replace(/^Unsupported Media Type:?\s*/, '') || 'this type'}.`
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty; send a JSON object.'
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON.'
    default:
      return status >= 500 ? 'Something went wrong on the server.' : error.message
  }
}

export function installErrorHandling(app: FastifyInstance, headers: SecurityHeaders): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (!reply.hasHeader('content-security-policy')) headers.apply(request, reply)
    if (error instanceof ApiError)
      return reply.code(error.statusCode).send(errorBody(error.code, error.message))
    if (error.validation) {
      const { code, message } = describeValidation(error.validation, error.validationContext ?? 'request')
      return reply.code(statusFor(code)).send(errorBody(code, message))
    }
    // SyntaxError from JSON.parse has status 400 already; anything without one is ours.
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) request.log.error(error)
    return reply.code(status).send(errorBody(codeForStatus(status), describeFastifyError(error, status)))
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(statusFor('not_found'))
      .send(errorBody('not_found', `Nothing at ${request.method} ${request.url}.`)),
  )
}

/** Errors Fastify raises before routing (no hooks ran): a broken URL encoding, a path parameter too long. */
export function frameworkErrors(
  headers: SecurityHeaders,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    headers.apply(request, reply)
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      void reply.code(414).send(errorBody('bad_request', 'A path parameter is too long.'))
      return
    }
    if (error.code === 'FST_ERR_BAD_URL') {
      void reply.code(400).send(errorBody('bad_request', 'The URL path is not validly percent-encoded.'))
      return
    }
    void reply.code(500).send(errorBody('internal', 'Something went wrong on the server.'))
  }
}

/** Headers for answers written straight to the socket, where no reply object exists. */
const RAW_HEADERS = [
  'content-type: application/json; charset=utf-8',
  "content-security-policy: default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options: nosniff',
  'x-frame-options: SAMEORIGIN',
  'referrer-policy: no-referrer',
  'connection: close',
]

/** A request Node's HTTP parser refused (malformed, headers too large): answered in our shape, then closed. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
  const [status, reason, message] = tooLarge
    ? [431, 'Request Header Fields Too Large', 'The request line or headers are too large.']
    : timedOut
      ? [408, 'Request Timeout', 'The request took too long to arrive.']
      : [400, 'Bad Request', 'The request is not valid HTTP.']
  const body = JSON.stringify(errorBody('bad_request', message))
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${RAW_HEADERS.join('\r\n')}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
