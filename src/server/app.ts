/**
 * The HTTP face of a node: the API (docs/architecture.md), the live event streams, the
 * API's own docs and metrics, and the web page, on Fastify. It holds no state of its
 * own and knows the rest of the node only through the `TestService` interface
 * (test-service.ts) — tests, members and runners live behind it — so any node of the
 * cluster can serve any user, and HTTP can be tested in-process against a service that
 * needs no browser.
 *
 *   const app = await buildServer({ service: nodeTestService(node), webRoot: 'web/dist' })
 *   await app.listen({ port: 4000, host: '0.0.0.0' })
 *
 * Requests are validated against the schemas (schemas/); a JSON body without type
 * coercion (validation.ts): a number is not a URL, "3" is not a number of runs. Errors, Fastify's own included, are
 * `{"error": {"code", "message"}}` (error-handling.ts) with the security headers.
 */
import { existsSync } from 'node:fs'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, { type FastifyInstance } from 'fastify'
import { accessOf, registerAccessRoute } from './access-route.ts'
import { type ApiKeysOptions, installApiKeys } from './api-keys.ts'
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './error-handling.ts'
import { ApiError } from './errors.ts'
import { historyRoutes } from './history-routes.ts'
import { NodeMetrics } from './metrics.ts'
import { registerOpenApi } from './openapi.ts'
import { errorResponses, poolSchema, ref, regionEntrySchema, SHARED_SCHEMAS } from './schemas/index.ts'
import { securityHeaders } from './security-headers.ts'
import type { TestService } from './test-service.ts'
import { testsRoutes } from './tests-routes.ts'
import { buildValidator } from './validation.ts'

export interface ServerOptions {
  service: TestService
  /** This node's metrics (fed by its region service); a server of its own gets fresh ones. */
  metrics?: NodeMetrics
  /** The built front end (web/dist); when missing, the API still works and `/` explains how to build it. */
  webRoot: string
  startsPerMinute?: number
  /**
   * Whose `X-Forwarded-*` headers to believe: false (default) believes none, so a client
   * cannot pick its own address for the rate limit; true believes every hop; a number,
   * that many proxies in front of the node; a string, a comma list of proxy addresses or
   * CIDR ranges.
   */
  trustProxy?: boolean | number | string
  /** The address people use (`WPS_PUBLIC_URL`); when https, the page always upgrades insecure requests. */
  publicUrl?: string | null
  /** WPS_API_KEYS / WPS_API_KEYS_READ: starting a test (and, with protectReads, reading) needs a key. */
  apiKeys?: ApiKeysOptions
  logger?: boolean
}

export const BODY_LIMIT = 16 * 1024

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const headers = securityHeaders({ publicUrl: options.publicUrl ?? null })
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: trustProxyOption(options.trustProxy ?? false),
    bodyLimit: BODY_LIMIT,
    // A JSON body is taken as sent (a number is not a URL); only text from the URL is read as its schema's type.
    schemaController: { compilersFactory: { buildValidator } },
    frameworkErrors: frameworkErrors(headers),
    clientErrorHandler,
  })
  // Answers are plain JSON; response schemas document them but never drop fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)

  app.addHook('onRequest', async (request, reply) => headers.apply(request, reply))
  installErrorHandling(app, headers)
  if (options.apiKeys) installApiKeys(app, options.apiKeys)
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `Too many tests started; try again in ${context.after}.`, 429),
  })
  const access = accessOf(options.apiKeys)
  await registerOpenApi(app, { readsNeedKey: access.readsNeedKey })

  registerAccessRoute(app, access)

  const metrics = options.metrics ?? new NodeMetrics()
  metrics.watchPools(() => options.service.pools())
  await app.register(testsRoutes, {
    service: options.service,
    startsPerMinute: options.startsPerMinute ?? 60,
    onStarted: () => metrics.testStarted(),
  })

  await app.register(historyRoutes, { service: options.service })

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Prometheus metrics of this node',
        response: {
          200: {
            description: 'Prometheus text format: wps_* metrics and Node process metrics',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()),
  )

  app.get(
    '/api/regions',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Live members of the cluster that can measure, with their place',
        response: { 200: { type: 'array', items: ref(regionEntrySchema.$id) } },
      },
    },
    async () => options.service.regions(),
  )
  app.get(
    '/api/pools',
    {
      schema: {
        tags: ['nodes'],
        summary: "This node's runner pools",
        response: { 200: { type: 'array', items: ref(poolSchema.$id) } },
      },
    },
    async () => options.service.pools(),
  )
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['nodes'],
        summary: 'Whether this node can serve',
        response: {
          200: {
            type: 'object',
            required: ['ok', 'node', 'region'],
            properties: { ok: { type: 'boolean' }, node: { type: 'string' }, region: { type: 'string' } },
          },
          ...errorResponses(),
        },
      },
    },
    async () => ({ ok: true, ...options.service.self() }),
  )

  await registerWebPage(app, options.webRoot)
  return app
}

/** A hop count trusts that many proxies in front of the node; Fastify takes it as a function. */
function trustProxyOption(
  trust: boolean | number | string,
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

/** The page's client-side routes (web/src/routes.ts): each answers with index.html, which reads the API itself. */
export const PAGE_ROUTES = ['/tests/:id', '/history', '/compare'] as const

async function registerWebPage(app: FastifyInstance, webRoot: string): Promise<void> {
  const hidden = { schema: { hide: true } }
  if (!existsSync(`${webRoot}/index.html`)) {
    const hint = 'The web page is not built. Run `npm run build:web` (npm start does it for you).'
    for (const path of ['/', ...PAGE_ROUTES])
      app.get(path, hidden, async (_request, reply) => reply.code(503).type('text/plain').send(hint))
    return
  }
  await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] })
  for (const path of PAGE_ROUTES)
    app.get(path, hidden, async (_request, reply) => reply.sendFile('index.html'))
}
