/**
 * The API described for people and programs: an OpenAPI 3.1 document generated from
 * the routes' own schemas (schemas/) at GET /api/openapi.json, and Swagger UI on it
 * at GET /api/docs. Register it before the routes, so that it sees each one.
 *
 *   await registerOpenApi(app)
 *   await app.register(testsRoutes, …)
 *   // GET /api/openapi.json → { openapi: '3.1.0', paths: { '/api/tests': … }, components: { schemas: { RegionResult: … } } }
 */

import { readFileSync } from 'node:fs'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { BEARER_SCHEME } from './api-keys.ts'

/** The version people see in the docs: the package's own. */
function packageVersion(): string {
  const parsed: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  const version =
    typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : null
  return typeof version === 'string' ? version : '0.0.0'
}

export async function registerOpenApi(
  app: FastifyInstance,
  options: { readsNeedKey?: boolean } = {},
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'World Page Speed',
        version: packageVersion(),
        description:
          'Start a page speed test that runs in real headless Chromium from every region where the app runs, ' +
          'follow its rows live over Server-Sent Events, and read the results. Every error is ' +
          '`{"error": {"code", "message"}}`; the codes are listed on the Error schema.',
      },
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description:
              'Only on a deploy that sets WPS_API_KEYS: starting a test needs `Authorization: Bearer <key>` ' +
              '(401 unauthorized otherwise); reading needs it too when WPS_API_KEYS_READ=1.',
          },
        },
      },
      // Reads list the scheme only where this deploy requires it; starting always lists it (optional without keys).
      ...(options.readsNeedKey ? { security: [{ [BEARER_SCHEME]: [] }] } : {}),
      tags: [
        { name: 'tests', description: 'start, read and follow tests' },
        { name: 'nodes', description: 'regions, runner pools and health' },
      ],
    },
    // Shared schemas become components named by their $id (RegionResult, Error, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
