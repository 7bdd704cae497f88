/**
 * The Lighthouse parts of the API's shapes (row.ts includes them): the `lighthouse`
 * field of a row and the links to its full report. Kept apart so the row's schema grows by
 * one line per place.
 *
 *   regionResultSchema.properties.lighthouse   // → rowLighthouseSchema
 *   artifacts.properties.lighthouse            // → lighthouseReportLinksSchema
 */

const numberOrNull = { type: ['number', 'null'] } as const
const stringOrNull = { type: ['string', 'null'] } as const

export const rowLighthouseSchema = {
  type: 'object',
  description:
    'with lighthouse: true, the Lighthouse 12.2.3 performance audit of this region (provided throttling: the ' +
    'connectivity of the row). status running while it runs (the row then has final: false), complete with a ' +
    'score, or error with a reason in words; the numbers of the row stand either way',
  required: ['status', 'performance', 'audits', 'opportunities', 'lighthouseVersion', 'durationMs', 'error'],
  properties: {
    status: { type: 'string', enum: ['running', 'complete', 'error'] },
    performance: { ...numberOrNull, minimum: 0, maximum: 1, description: 'the performance score, 0..1' },
    audits: {
      type: 'object',
      description:
        "Lighthouse's metric audits by id (first-contentful-paint, largest-contentful-paint, total-blocking-time, " +
        'cumulative-layout-shift, speed-index, interactive, server-response-time)',
      additionalProperties: {
        type: 'object',
        required: ['score', 'numericValue', 'displayValue'],
        properties: { score: numberOrNull, numericValue: numberOrNull, displayValue: stringOrNull },
      },
    },
    opportunities: {
      type: 'array',
      description: 'the top failing audits with an estimated saving, biggest first (at most 5)',
      items: {
        type: 'object',
        required: ['id', 'title', 'score', 'savingsMs', 'savingsBytes', 'displayValue'],
        properties: {
          id: { type: 'string', description: 'the audit id, e.g. render-blocking-resources' },
          title: { type: 'string' },
          score: numberOrNull,
          savingsMs: { ...numberOrNull, description: 'estimated time saved, ms' },
          savingsBytes: { ...numberOrNull, description: 'estimated bytes saved' },
          displayValue: stringOrNull,
        },
      },
    },
    lighthouseVersion: stringOrNull,
    durationMs: { ...numberOrNull, description: 'how long the audit took on the runner' },
    error: {
      anyOf: [
        {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: {
              type: 'string',
              description:
                'lighthouse_failed, lighthouse_timeout, not_run (the page load failed), browser_crashed',
            },
            message: { type: 'string' },
          },
        },
        { type: 'null' },
      ],
    },
  },
} as const

export const lighthouseReportLinksSchema = {
  type: 'object',
  description: 'the full Lighthouse report: HTML (text/html) and the LHR (application/json)',
  required: ['html', 'json'],
  properties: { html: { type: 'string' }, json: { type: 'string' } },
} as const
