/**
 * Checks a HAR file against the HAR 1.2 JSON Schema (the `har-schema` package, which
 * har-validator uses), with ajv as the server uses it.
 *
 *   assert.deepEqual(harErrors(await response.json()), [])
 */
import { createRequire } from 'node:module'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'

const require = createRequire(import.meta.url)
const schemas = require('har-schema') as Record<string, object>

const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'))
addFormats.default(ajv)
for (const schema of Object.values(schemas)) ajv.addSchema(schema)
const validate = ajv.getSchema('har.json#')
if (!validate) throw new Error('har-schema: no har.json schema')

/** The validation messages for `value` as a HAR 1.2 file; empty when it is one. */
export function harErrors(value: unknown): string[] {
  if (validate?.(value)) return []
  return (validate?.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
