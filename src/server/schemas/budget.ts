/**
 * A budget (the maxima a test's rows are checked against, posted with a test) and a row's
 * verdict on it. The metrics a budget may limit are the budget module's own list.
 *
 *   { metrics: { lcp: 2500 }, requests: 120, regions: { syd: { metrics: { lcp: 4000 } } } }
 */

import { BUDGET_METRICS } from '../../speedtest/budget.ts'
import { nullable } from './common.ts'

const maximum = (description: string) => ({ type: 'number', minimum: 0, description })

const budgetLimits = {
  metrics: {
    type: 'object',
    description: 'per metric, the largest value that passes (ms; cls unitless)',
    additionalProperties: false,
    properties: Object.fromEntries(BUDGET_METRICS.map((name) => [name, maximum(`largest ${name}`)])),
  },
  requests: { ...maximum('most requests of the page load'), type: 'integer' },
  transferBytes: { ...maximum('most bytes transferred, headers included'), type: 'integer' },
} as const

export const budgetSchema = {
  $id: 'Budget',
  type: 'object',
  description:
    'Maxima every region row is checked against once it has ended; a region entry overrides the defaults ' +
    'limit by limit. A value the row lacks (the region failed) fails its check.',
  additionalProperties: false,
  properties: {
    ...budgetLimits,
    regions: {
      type: 'object',
      description: 'per region code, limits that replace or add to the defaults there',
      maxProperties: 64,
      additionalProperties: { type: 'object', additionalProperties: false, properties: budgetLimits },
    },
  },
  examples: [
    { metrics: { lcp: 2500, cls: 0.1 }, requests: 120, regions: { syd: { metrics: { lcp: 4000 } } } },
  ],
} as const

export const budgetVerdictSchema = {
  $id: 'BudgetVerdict',
  type: 'object',
  description: "A row's budget verdict: each limit that applies in its region, with the value measured.",
  required: ['passed', 'checks'],
  properties: {
    passed: { type: 'boolean', description: 'every check passed' },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['metric', 'value', 'limit', 'passed'],
        properties: {
          metric: { type: 'string', description: 'a metric name, requests or transferBytes' },
          value: nullable('number', {
            description: 'what the row measured; null when it has no such number',
          }),
          limit: { type: 'number' },
          passed: { type: 'boolean', description: 'value ≤ limit' },
        },
      },
    },
  },
} as const
