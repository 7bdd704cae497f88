/**
 * The API's shapes as JSON Schema, written once: Fastify validates requests with them
 * (without type coercion: a number is not a string) and the OpenAPI document at
 * GET /api/openapi.json is generated from them, so the docs cannot drift from what the
 * routes accept. Each shared shape has an `$id` and becomes a named component.
 *
 *   app.addSchema(regionResultSchema)
 *   app.get('/api/tests/:id', { schema: { response: { 200: ref('SpeedTest'), 404: ref('Error') } } }, …)
 *
 * Response schemas document; they do not filter. Answers are serialised with plain
 * JSON.stringify (see app.ts), and objects allow more properties than they list,
 * because results gain fields as features land (the contract says: extend freely).
 * One file per family: common.ts, row.ts, budget.ts, test.ts, cluster.ts, lighthouse.ts, access.ts.
 * test/server/api.test.ts checks a real measured test against these schemas.
 */

export { accessSchema } from './access.ts'
export { budgetSchema, budgetVerdictSchema } from './budget.ts'
export { poolSchema, regionEntrySchema } from './cluster.ts'
export { errorResponses, errorSchema, MAX_URL_LENGTH, ref } from './common.ts'
export { lighthouseReportLinksSchema, rowLighthouseSchema } from './lighthouse.ts'
export { measureErrorSchema, metricsSchema, regionResultSchema, requestEntrySchema } from './row.ts'
export { SHARED_SCHEMAS } from './shared.ts'
export { speedTestSchema, startedSchema, startRequestSchema } from './test.ts'
