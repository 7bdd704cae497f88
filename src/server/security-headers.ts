/**
 * The security headers on every answer — routes, our own errors, and Fastify's errors
 * that never reach a route (a bad URL encoding, an over-long parameter). Helmet's set,
 * with a Content-Security-Policy that fits where the node is served from:
 * `upgrade-insecure-requests` only when the request came over HTTPS (directly, or via
 * a trusted proxy's `X-Forwarded-Proto`) or the public URL is https. Sent over plain
 * HTTP under any name but localhost, that directive would make the browser fetch the
 * page's own scripts over https, and the page would stay blank.
 *
 *   const headers = securityHeaders({ publicUrl: process.env.WPS_PUBLIC_URL })
 *   app.addHook('onRequest', async (request, reply) => headers.apply(request, reply))
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import helmet from 'helmet'

type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void

const DIRECTIVES = {
  'default-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
}

export interface SecurityHeaders {
  /** Sets the headers on the reply; call before anything is sent. */
  apply(request: FastifyRequest, reply: FastifyReply): void
}

export function securityHeaders(options: { publicUrl?: string | null } = {}): SecurityHeaders {
  const alwaysHttps = options.publicUrl ? new URL(options.publicUrl).protocol === 'https:' : false
  const build = (upgrade: boolean): Middleware =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { ...DIRECTIVES, 'upgrade-insecure-requests': upgrade ? [] : null },
      },
    })
  const overHttps = build(true)
  const overHttp = build(false)
  return {
    apply(request, reply) {
      const secure = alwaysHttps || request.protocol === 'https'
      ;(secure ? overHttps : overHttp)(request.raw, reply.raw, (error) => {
        if (error) throw error
      })
    },
  }
}
