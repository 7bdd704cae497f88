/**
 * History and before/after comparison, from the store — so they answer on every node of
 * a deploy that shares one.
 *
 *   GET /api/tests?url=example.com&limit=20&before=<cursor>  → {"tests": [summary…], "next": cursor | null}
 *   GET /api/compare?a=<id>&b=<id>                            → {"a", "b", "regions": [{region, a, b, diff}]}
 *
 * `url` is normalised as `POST /api/tests` normalises it (so `example.com` finds the tests
 * of `https://example.com/`); without it the most recent tests are listed. Pages are
 * newest first; pass `next` as `before` for the following page. The schemas below are
 * what the OpenAPI document shows.
 */
import type { FastifyInstance } from 'fastify'
import { COMPARED } from '../speedtest/compare.ts'
import { HISTORY_MAX_LIMIT } from '../speedtest/speed-tests.ts'
import { errorBody, statusFor } from './errors.ts'
import { errorResponses, ref } from './schemas/index.ts'
import type { TestService } from './test-service.ts'

export type HistoryService = Pick<TestService, 'history' | 'compare'>

const nullableNumber = { type: ['number', 'null'] } as const

const errorSchema = {
  type: ['object', 'null'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const

export const regionSummarySchema = {
  type: 'object',
  description: 'One row of a test: its status and headline numbers, without the waterfall.',
  properties: {
    region: { type: 'string' },
    node: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'starting', 'loading', 'complete', 'error'] },
    httpStatus: { type: ['integer', 'null'] },
    metrics: ref('Metrics'),
    requests: { type: ['integer', 'null'] },
    transferBytes: { type: ['integer', 'null'] },
    error: errorSchema,
  },
} as const

export const testSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    state: { type: 'string', enum: ['running', 'done'] },
    results: { type: 'array', items: regionSummarySchema },
  },
} as const

const diffSchema = {
  type: 'object',
  description: 'b − a (absolute) and (b − a) / a (relative); null when either side was not measured.',
  properties: { a: nullableNumber, b: nullableNumber, absolute: nullableNumber, relative: nullableNumber },
} as const

const historySchema = {
  summary: 'Tests of a URL (or every URL), newest first',
  tags: ['tests'],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: { type: 'string', maxLength: 2048, description: 'Normalised as POST /api/tests does.' },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: HISTORY_MAX_LIMIT,
        description: `Tests per page, 1–${HISTORY_MAX_LIMIT} (default 20).`,
      },
      before: { type: 'string', maxLength: 400, description: 'The `next` cursor of the previous page.' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: { tests: { type: 'array', items: testSummarySchema }, next: { type: ['string', 'null'] } },
    },
    ...errorResponses(400),
  },
} as const

const compareSchema = {
  summary: 'Two tests side by side, with per-region, per-metric differences',
  tags: ['tests'],
  querystring: {
    type: 'object',
    required: ['a', 'b'],
    additionalProperties: false,
    properties: { a: { type: 'string', maxLength: 64 }, b: { type: 'string', maxLength: 64 } },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        a: testSummarySchema,
        b: testSummarySchema,
        regions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              region: { type: 'string' },
              a: { ...regionSummarySchema, type: ['object', 'null'] },
              b: { ...regionSummarySchema, type: ['object', 'null'] },
              diff: {
                type: 'object',
                properties: Object.fromEntries(COMPARED.map((metric) => [metric, diffSchema])),
              },
            },
          },
        },
      },
    },
    ...errorResponses(400, 404),
  },
} as const

export async function historyRoutes(
  app: FastifyInstance,
  options: { service: HistoryService },
): Promise<void> {
  app.get<{ Querystring: { url?: string; limit?: number; before?: string } }>(
    '/api/tests',
    { schema: historySchema },
    async (request, reply) => {
      const listed = await options.service.history(request.query)
      if (!listed.ok) {
        return reply
          .code(statusFor(listed.error.code))
          .send(errorBody(listed.error.code, listed.error.message))
      }
      return listed.page
    },
  )

  app.get<{ Querystring: { a: string; b: string } }>(
    '/api/compare',
    { schema: compareSchema },
    async (request, reply) => {
      const compared = await options.service.compare(request.query.a, request.query.b)
      if (!compared.ok) {
        return reply.code(statusFor('not_found')).send(errorBody('not_found', compared.error.message))
      }
      return compared.comparison
    },
  )
}
