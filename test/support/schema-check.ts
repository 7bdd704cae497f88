/**
 * Checks a value against one of the API's documented schemas (src/server/schemas/),
 * with the same validator and options the server uses, so a test can prove that what a
 * real node answers is what the OpenAPI document promises.
 *
 *   assert.deepEqual(await schemaErrors('SpeedTest', await response.json()), [])
 */
import Fastify, { type FastifySchemaValidationError } from 'fastify'
import { ref, SHARED_SCHEMAS } from '../../src/server/schemas/index.ts'

/** The validation messages for `value` against schema `id`; empty when it conforms. */
export async function schemaErrors(id: string, value: unknown): Promise<string[]> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } })
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  app.post('/check', { schema: { body: ref(id) }, attachValidation: true }, async (request) =>
    (request.validationError?.validation ?? []).map(
      (issue: FastifySchemaValidationError) => `${issue.instancePath} ${issue.message}`,
    ),
  )
  try {
    const answer = await app.inject({ method: 'POST', url: '/check', payload: value as object })
    return answer.json() as string[]
  } finally {
    await app.close()
  }
}
