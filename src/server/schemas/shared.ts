/**
 * Every shape with an `$id`, in the order Fastify adds them (app.addSchema) and the
 * OpenAPI document lists them as components.
 */

import { budgetSchema, budgetVerdictSchema } from './budget.ts'
import { poolSchema, regionEntrySchema } from './cluster.ts'
import { errorSchema } from './common.ts'
import { measureErrorSchema, metricsSchema, regionResultSchema, requestEntrySchema } from './row.ts'
import { speedTestSchema, startedSchema, startRequestSchema } from './test.ts'

export const SHARED_SCHEMAS = [
  errorSchema,
  metricsSchema,
  measureErrorSchema,
  requestEntrySchema,
  budgetSchema,
  budgetVerdictSchema,
  regionResultSchema,
  speedTestSchema,
  startRequestSchema,
  startedSchema,
  regionEntrySchema,
  poolSchema,
] as const
