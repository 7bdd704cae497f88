/**
 * The test API: start a test, read it, and follow it live.
 *
 *   POST /api/tests {"url":"example.com", "runs"?: 3} → 201 {id, url, regions, links}
 *   GET  /api/tests/:id                         → the test with every region's row
 *   GET  /api/tests/:id/events                  → SSE: `region` per row change, then `done`
 */
import type { FastifyInstance } from 'fastify'
import { MAX_RUNS } from '../speedtest/protocol.ts'
import { errorBody, statusFor } from './errors.ts'
import { openEventStream } from './sse.ts'
import type { TestService } from './test-service.ts'

const startBody = {
  type: 'object',
  required: ['url'],
  properties: {
    url: { type: 'string', maxLength: 2048 },
    regions: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 64 },
    runs: { type: 'integer', minimum: 1, maximum: MAX_RUNS },
  },
} as const

export interface TestsRoutesOptions {
  service: TestService
  /** Per client IP per minute for POST /api/tests. */
  startsPerMinute: number
}

export async function testsRoutes(app: FastifyInstance, options: TestsRoutesOptions): Promise<void> {
  const { service } = options

  app.post<{ Body: { url: string; regions?: string[]; runs?: number } }>(
    '/api/tests',
    {
      schema: { body: startBody },
      config: { rateLimit: { max: options.startsPerMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const started = await service.start(request.body)
      if (!started.ok)
        return reply
          .code(statusFor(started.error.code))
          .send(errorBody(started.error.code, started.error.message))
      const { test } = started
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

  app.get<{ Params: { id: string } }>('/api/tests/:id', async (request, reply) => {
    const test = await service.get(request.params.id)
    if (!test) return reply.code(404).send(errorBody('not_found', `No test with id ${request.params.id}.`))
    return test
  })

  app.get<{ Params: { id: string } }>('/api/tests/:id/events', async (request, reply) => {
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
  })
}
