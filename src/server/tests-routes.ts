/**
 * The test API: start a test, read it, and follow it live.
 *
 *   POST /api/tests {"url":"example.com", "runs"?: 3} → 201 {id, url, regions, links}
 *   GET  /api/tests/:id                         → the test with every region's row
 *   GET  /api/tests/:id/events                  → SSE: `region` per row change, then `done`
 *   GET  /api/tests/:id/artifacts/:node/:name   → a row's image (filmstrip frame, screenshot), image/jpeg,
 *                                                  or its gathered data (gathered.json.gz)
 *                                                  or its Lighthouse report (lighthouse.html, lighthouse.json)
 *   GET  /api/tests/:id/har                     → HAR 1.2: a page per region row (speedtest/har.ts)
 */
import type { FastifyInstance } from 'fastify'
import { toHar } from '../speedtest/har.ts'
import { BEARER_SCHEME } from './api-keys.ts'
import { errorBody, statusFor } from './errors.ts'
import { errorResponses, ref, speedTestSchema, startedSchema, startRequestSchema } from './schemas/index.ts'
import { openEventStream } from './sse.ts'
import type { TestService } from './test-service.ts'

/** For a stored HTML report: its own inline code and images only, in a sandbox (a unique origin). */
const REPORT_CSP =
  "sandbox allow-scripts allow-popups; default-src 'none'; script-src 'unsafe-inline'; " +
  "style-src 'unsafe-inline'; img-src data:; font-src data:"

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'the test id' } },
} as const

export interface TestsRoutesOptions {
  service: TestService
  /** Per client IP per minute for POST /api/tests. */
  startsPerMinute: number
  /** Called for each test this route started (the tests-started metric). */
  onStarted?: () => void
}

export async function testsRoutes(app: FastifyInstance, options: TestsRoutesOptions): Promise<void> {
  const { service } = options

  app.post<{
    Body: {
      url: string
      regions?: string[]
      runs?: number
      budget?: unknown
      device?: string
      connectivity?: string
      repeatView?: boolean
      lighthouse?: boolean
    }
  }>(
    '/api/tests',
    {
      schema: {
        tags: ['tests'],
        summary: 'Start a test from every chosen region',
        // An API key where the deploy sets WPS_API_KEYS; anyone may start a test on one that does not.
        security: [{ [BEARER_SCHEME]: [] }, {}],
        body: ref(startRequestSchema.$id),
        response: {
          201: { description: 'the test has started', ...ref(startedSchema.$id) },
          ...errorResponses(400, 401, 413, 415, 429),
        },
      },
      config: { rateLimit: { max: options.startsPerMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const started = await service.start(request.body)
      if (!started.ok) {
        const { error } = started
        if (error.code === 'rate_limited') reply.header('retry-after', String(error.retryAfterSeconds))
        return reply.code(statusFor(error.code)).send(errorBody(error.code, error.message))
      }
      const { test } = started
      options.onStarted?.()
      const self = `/api/tests/${test.id}`
      return reply
        .code(201)
        .header('location', self)
        .send({
          id: test.id,
          url: test.url,
          regions: test.results.map((row) => row.region),
          nodes: test.results.map((row) => ({ node: row.node, region: row.region })),
          links: { self, events: `${self}/events`, page: `/tests/${test.id}` },
        })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/tests/:id',
    {
      schema: {
        tags: ['tests'],
        summary: 'A test with every region row as it is now',
        params: idParams,
        response: {
          200: { description: 'the test', ...ref(speedTestSchema.$id) },
          ...errorResponses(404, 414),
        },
      },
    },
    async (request, reply) => {
      const test = await service.get(request.params.id)
      if (!test) return reply.code(404).send(errorBody('not_found', `No test with id ${request.params.id}.`))
      return test
    },
  )

  app.get<{ Params: { id: string; node: string; name: string } }>(
    '/api/tests/:id/artifacts/:node/:name',
    {
      schema: {
        tags: ['tests'],
        summary:
          "An image of a row's load (a filmstrip frame, the final screenshot), its gathered data or its Lighthouse report",
        description:
          "The URLs are in each row's `artifacts` (filmstrip[].url, screenshot, lighthouse.html, lighthouse.json). " +
          "`gathered.json.gz` is the row's raw gathered data (network events, PerformanceObserver entries) that " +
          '`wps recompute` computes from. The HTML report is served in a CSP sandbox: its inline scripts run, but as an origin of their own.',
        params: {
          type: 'object',
          required: ['id', 'node', 'name'],
          properties: {
            id: { type: 'string', description: 'the test id' },
            node: { type: 'string', description: 'the node of the row' },
            name: { type: 'string', description: 'e.g. frame-3.jpg, screenshot.jpg, lighthouse.html' },
          },
        },
        response: {
          200: {
            description: 'the image, the gathered data (gzipped JSON) or a report',
            content: {
              'image/jpeg': { schema: { type: 'string', format: 'binary' } },
              'application/gzip': { schema: { type: 'string', format: 'binary' } },
              'text/html': { schema: { type: 'string' } },
              'application/json': { schema: { type: 'object' } },
            },
          },
          ...errorResponses(404, 414),
        },
      },
    },
    async (request, reply) => {
      const { id, node, name } = request.params
      const file = await service.file(id, node, name)
      if (!file)
        return reply.code(404).send(errorBody('not_found', `No ${name} for node ${node} of test ${id}.`))
      // Lighthouse's HTML report runs inline scripts: allowed only in a sandbox of its own origin.
      if (file.contentType.startsWith('text/html')) reply.header('content-security-policy', REPORT_CSP)
      // Results never change once written: a frame can be cached for as long as it is kept.
      return reply
        .header('content-type', file.contentType)
        .header('cache-control', 'public, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(file.data)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/tests/:id/har',
    {
      schema: {
        tags: ['tests'],
        summary: 'The whole test as a HAR 1.2 file',
        description:
          'One page per region row (`pages[].id`), its requests as entries with `pageref`, each with the HAR ' +
          'timing phases (ms; -1 where a phase did not apply). A running test gives the rows as they are now.',
        params: idParams,
        response: {
          200: { description: 'HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/)', type: 'object' },
          ...errorResponses(404, 414),
        },
      },
    },
    async (request, reply) => {
      const test = await service.get(request.params.id)
      if (!test) return reply.code(404).send(errorBody('not_found', `No test with id ${request.params.id}.`))
      // Serialised here: the response schema would otherwise drop every field it does not name.
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${test.id}.har"`)
        .send(JSON.stringify(toHar(test)))
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/tests/:id/events',
    {
      schema: {
        tags: ['tests'],
        summary: 'Follow a test live (Server-Sent Events)',
        description:
          '`event: region` with a RegionResult each time a row changes, then `event: done` with the whole ' +
          'test once every region has ended. A subscriber that connects late first receives every row as ' +
          'it is now (and `done` if the test is done).',
        params: idParams,
        response: {
          200: {
            description: 'text/event-stream of `region` (RegionResult) and `done` (SpeedTest) events',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorResponses(404, 414),
        },
      },
    },
    async (request, reply) => {
      if (!(await service.get(request.params.id))) {
        return reply.code(404).send(errorBody('not_found', `No test with id ${request.params.id}.`))
      }
      reply.hijack()
      const stream = openEventStream(reply.raw, request.raw, {
        headers: reply.getHeaders() as Record<string, string>,
      })
      let ended = false
      const unsubscribe = await service.subscribe(request.params.id, (event) => {
        if (event.type === 'region') stream.send('region', event.result)
        else {
          stream.send('done', event.test)
          ended = true
          // Let the final frame flush before closing; EventSource would otherwise reconnect at once.
          setImmediate(() => stream.end())
        }
      })
      if (ended) return
      stream.onClose(() => unsubscribe?.())
    },
  )
}
