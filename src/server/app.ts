/**
 * The HTTP face of a node: the API (docs/architecture.md), the live event streams and
 * the web page, on Fastify. It holds no state of its own and knows the rest of the node
 * only through the `TestService` interface (test-service.ts) — tests, members and
 * runners live behind it — so any node of the cluster can serve any user, and HTTP can
 * be tested in-process against a service that needs no browser.
 *
 *   const app = await buildServer({ service: nodeTestService(node), webRoot: 'web/dist' })
 *   await app.listen({ port: 4000, host: '0.0.0.0' })
 */
import { existsSync } from 'node:fs'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { ApiError, errorBody, statusFor } from './errors.ts'
import type { TestService } from './test-service.ts'
import { testsRoutes } from './tests-routes.ts'

export interface ServerOptions {
  service: TestService
  /** The built front end (web/dist); when missing, the API still works and `/` explains how to build it. */
  webRoot: string
  startsPerMinute?: number
  logger?: boolean
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, trustProxy: true, bodyLimit: 16 * 1024 })

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"] },
    },
  })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `Too many tests started; try again in ${context.after}.`, 429),
  })

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
    if (error instanceof ApiError)
      return reply.code(error.statusCode).send(errorBody(error.code, error.message))
    if (error.validation) {
      // A missing or non-string url is a bad URL to the user, whatever the schema says.
      const onUrl = /url/.test(error.message)
      return reply
        .code(400)
        .send(errorBody(onUrl ? 'invalid_url' : 'bad_request', error.message.replace(/^body\/?/, '')))
    }
    const status = error.statusCode ?? 500
    if (status >= 500) app.log.error(error)
    return reply.code(status).send(errorBody(status >= 500 ? 'internal' : 'bad_request', error.message))
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(statusFor('not_found'))
      .send(errorBody('not_found', `Nothing at ${request.method} ${request.url}.`)),
  )

  await app.register(testsRoutes, {
    service: options.service,
    startsPerMinute: options.startsPerMinute ?? 60,
  })

  app.get('/api/regions', async () => options.service.regions())
  app.get('/api/pools', async () => options.service.pools())
  app.get('/healthz', async () => ({ ok: true, ...options.service.self() }))

  await registerWebPage(app, options.webRoot)
  return app
}

async function registerWebPage(app: FastifyInstance, webRoot: string): Promise<void> {
  if (!existsSync(`${webRoot}/index.html`)) {
    const hint = 'The web page is not built. Run `npm run build:web` (npm start does it for you).'
    app.get('/', async (_request, reply) => reply.code(503).type('text/plain').send(hint))
    app.get('/tests/:id', async (_request, reply) => reply.code(503).type('text/plain').send(hint))
    return
  }
  await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] })
  // The permalink is a client-side route: the page itself reads the test from the API.
  app.get('/tests/:id', async (_request, reply) => reply.sendFile('index.html'))
}
