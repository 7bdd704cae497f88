/**
 * How requests are checked against their schemas: a JSON body exactly as sent — no type
 * coercion, so a number is not a URL and `"3"` or `true` is not a number of runs — while
 * and without removing what the schema does not allow; the parts of the URL (path parameters, the query string, headers), which are always
 * text, are read as the type their schema names (`?limit=20` is the integer 20).
 * Fastify's own compiler (Ajv through @fastify/ajv-compiler), with two settings.
 *
 *   const app = Fastify({ schemaController: { compilersFactory: { buildValidator } } })
 *   // POST {"url": 167772161}       → 400 invalid_url   (not http://10.0.0.1/)
 *   // GET /api/tests?limit=20       → limit === 20
 */
import { AjvCompiler } from '@fastify/ajv-compiler'

type Factory = ReturnType<typeof AjvCompiler>

export const buildValidator: Factory = (externalSchemas, options) => {
  const pool = AjvCompiler()
  const base = options?.mode === 'JTD' ? {} : (options?.customOptions ?? {})
  const exact = pool(externalSchemas, {
    ...options,
    mode: undefined,
    // …and nothing dropped: an unknown field where the schema allows none (a budget's
    // misspelt metric) is refused, not silently removed so that the limit vanishes.
    customOptions: { ...base, coerceTypes: false, removeAdditional: false },
  })
  const fromText = pool(externalSchemas, {
    ...options,
    mode: undefined,
    customOptions: { ...base, coerceTypes: 'array' },
  })
  return (route) => (route.httpPart === 'body' ? exact(route) : fromText(route))
}
