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
 * test/server/api.test.ts checks a real measured test against these schemas.
 */

import { DEVICE_NAMES } from '../browser/devices.ts'
import { BUDGET_METRICS } from '../speedtest/budget.ts'
import { CONNECTIVITY_NAMES } from '../speedtest/connectivity.ts'
import { API_ERROR_CODES } from './errors.ts'
import { lighthouseReportLinksSchema, rowLighthouseSchema } from './lighthouse-schema.ts'

export const MAX_URL_LENGTH = 2048

/** `{ $ref }` to a shared schema by its `$id`. */
export const ref = (id: string): { $ref: string } => ({ $ref: `${id}#` })

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra })
const ms = (description: string) =>
  nullable('number', { description: `${description} (ms from navigation start)` })

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'Every error answer of the API, with the HTTP status that belongs to its code.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [...API_ERROR_CODES],
          description:
            'invalid_url (400): the url is missing, not a string, or not an http(s) URL. ' +
            'bad_request (400; 413 body too large, 414 parameter too long, 415 unsupported content type, 431 headers too large): any other malformed request. ' +
            'blocked_address (400): the target resolves to a loopback, private, link-local or metadata address. ' +
            'unknown_region (400): no node runs in a requested region, or regions is not a list of codes. ' +
            'unauthorized (401): this deploy needs an API key (WPS_API_KEYS) and the request has none, or a wrong one. ' +
            'not_found (404): no such test or route. ' +
            'rate_limited (429, with Retry-After): too many tests started by this client, for this target host, or in all. ' +
            'internal (500): a fault of the server.',
        },
        message: { type: 'string', description: 'What went wrong, in words for people.' },
      },
    },
  },
} as const

export const metricsSchema = {
  $id: 'Metrics',
  type: 'object',
  description: 'Page-load metrics; null when not measured.',
  required: ['ttfb', 'fcp', 'lcp', 'cls', 'tbt', 'domContentLoaded', 'load'],
  properties: {
    ttfb: ms('Time to first byte: responseStart of the navigation'),
    fcp: ms('First contentful paint'),
    lcp: ms('Largest contentful paint: the last entry, max(renderTime, loadTime)'),
    cls: nullable('number', {
      description: 'Cumulative layout shift: the largest session window (unitless)',
    }),
    tbt: ms('Total blocking time: sum of (long task − 50 ms) after FCP'),
    domContentLoaded: ms('DOMContentLoaded event start'),
    load: ms('load event start'),
    speedIndex: ms('Speed Index: the area above the visual progress curve of the filmstrip (speedline-core)'),
    visuallyComplete: ms('Visually complete: the first frame that matches the last'),
  },
} as const

export const measureErrorSchema = {
  $id: 'MeasureError',
  type: 'object',
  description: 'Why a region could not measure the page.',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      description:
        'dns_failure, connection_refused, connection_reset, tls_error, timeout, http_error, blocked_address, ' +
        'invalid_url, navigation_failed, network_unavailable, browser_crashed, runner_lost, node_lost, ' +
        'node_shutdown, internal, … (an open list: new failure kinds get codes of their own)',
    },
    message: { type: 'string' },
  },
} as const

export const requestEntrySchema = {
  $id: 'RequestEntry',
  type: 'object',
  description: 'One request of the page load, for the waterfall.',
  required: ['url', 'type', 'status', 'start', 'end', 'bytes'],
  properties: {
    url: { type: 'string' },
    type: { type: 'string', description: 'document, stylesheet, script, image, font, xhr, fetch, other…' },
    status: nullable('integer', { description: 'HTTP status; null when it failed before a response' }),
    start: { type: 'number', description: 'ms from navigation start' },
    end: nullable('number', { description: 'ms from navigation start' }),
    bytes: { type: 'number', description: 'bytes on the wire, headers included' },
    failure: { type: 'string', description: "Chromium's net error when the request failed" },
    method: { type: 'string', description: 'HTTP method' },
    protocol: { type: 'string', description: 'as Chromium names it: http/1.1, h2, h3…' },
    priority: { type: 'string', description: "Chromium's priority: VeryLow, Low, Medium, High, VeryHigh" },
    mimeType: { type: 'string' },
    initiator: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string' }, url: { type: 'string' } },
      description: 'what started the request: parser, script, preload, redirect, other',
    },
    decodedBytes: { type: 'number', description: 'body bytes after decoding' },
    fromCache: { type: 'boolean', description: "answered from the browser's cache, not the network" },
    timings: {
      type: 'object',
      description: 'HAR 1.2 timing phases in ms; -1 where a phase did not apply (connect includes ssl)',
      required: ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'],
      properties: Object.fromEntries(
        ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'].map((phase) => [
          phase,
          { type: 'number' },
        ]),
      ),
    },
  },
} as const

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

export const regionResultSchema = {
  $id: 'RegionResult',
  type: 'object',
  description:
    "One region node's row of a test. Rows are keyed by node and labelled by region: two nodes in one region are two rows.",
  required: [
    'region',
    'node',
    'status',
    'httpStatus',
    'finalUrl',
    'metrics',
    'requests',
    'transferBytes',
    'cold',
    'bootMs',
    'error',
  ],
  properties: {
    region: { type: 'string', description: 'region code, e.g. ord' },
    node: { type: 'string', description: 'id of the node that measured' },
    status: { type: 'string', enum: ['queued', 'starting', 'loading', 'complete', 'error'] },
    httpStatus: nullable('integer'),
    finalUrl: nullable('string', { description: 'the URL after redirects' }),
    metrics: ref('Metrics'),
    requests: nullable('integer', {
      description: "every request of the page load, from the browser's network log",
    }),
    transferBytes: nullable('integer', { description: 'bytes transferred, headers included' }),
    cold: nullable('boolean', {
      description: 'whether this measurement had to boot a runner or its browser',
    }),
    bootMs: nullable('number', { description: 'how long that boot took' }),
    error: { anyOf: [ref('MeasureError'), { type: 'null' }] },
    final: {
      type: 'boolean',
      description:
        'on a complete row: false for the first numbers (at load + settle) while the late window may still ' +
        'change them, true on the last update',
    },
    queuePosition: {
      type: 'integer',
      minimum: 1,
      description:
        'while queued (waiting for a free browser): its place in line, 1 = the next to get one; ' +
        'the page shows it as "Queued (n ahead)"',
    },
    startedAt: { type: 'number', description: "when the page load started (epoch ms, the browser's clock)" },
    run: { type: 'integer', description: 'with repeat runs: the run loading now (1-based)' },
    runCount: { type: 'integer', description: 'with repeat runs: how many runs' },
    runs: {
      type: 'array',
      description: "with repeat runs: every run's numbers",
      items: {
        type: 'object',
        required: ['httpStatus', 'metrics', 'requests', 'transferBytes', 'error'],
        properties: {
          httpStatus: nullable('integer'),
          metrics: ref('Metrics'),
          requests: { type: 'integer' },
          transferBytes: { type: 'integer' },
          error: { anyOf: [ref('MeasureError'), { type: 'null' }] },
          entries: {
            type: 'array',
            items: ref('RequestEntry'),
            description: "this run's network log; absent on the median run, whose log is the row's entries",
          },
        },
      },
    },
    medianRun: {
      type: 'integer',
      description: "with repeat runs: the run (0-based) whose numbers are the row's",
    },
    updatedAt: {
      type: 'number',
      description: 'when the measuring node produced this version of the row (epoch ms)',
    },
    entries: {
      type: 'array',
      items: ref('RequestEntry'),
      description: 'per-request log; present once complete',
    },
    budget: { ...ref('BudgetVerdict'), description: 'with a budget: its verdict, once the row has ended' },
    settings: {
      type: 'object',
      description: 'the device and network the numbers were taken on',
      required: ['device', 'viewport', 'userAgent', 'connectivity', 'browser'],
      properties: {
        device: { type: 'string', enum: [...DEVICE_NAMES] },
        viewport: {
          type: 'object',
          required: ['width', 'height', 'deviceScaleFactor'],
          properties: {
            width: { type: 'integer' },
            height: { type: 'integer' },
            deviceScaleFactor: { type: 'number' },
          },
        },
        userAgent: { type: 'string' },
        connectivity: {
          type: 'object',
          required: ['name', 'rttMs', 'downKbps', 'upKbps'],
          description: "WebPageTest's profile, enforced on the runner's egress proxy; 0 = not limited",
          properties: {
            name: { type: 'string', enum: [...CONNECTIVITY_NAMES] },
            rttMs: { type: 'number' },
            downKbps: { type: 'number' },
            upKbps: { type: 'number' },
          },
        },
        browser: { type: 'string', description: 'product/version of the browser' },
      },
    },
    lcpElement: {
      anyOf: [
        {
          type: 'object',
          required: ['selector', 'type'],
          properties: {
            selector: { type: 'string', description: 'CSS selector of the LCP element' },
            type: { type: 'string', enum: ['image', 'video', 'text'] },
            url: { type: 'string', description: 'the image, for an image' },
            rect: {
              type: 'object',
              description:
                'where the element is in the viewport at the end of the load (CSS px), as the final screenshot shows it',
              required: ['x', 'y', 'width', 'height'],
              properties: {
                x: { type: 'number' },
                y: { type: 'number' },
                width: { type: 'number' },
                height: { type: 'number' },
              },
            },
          },
        },
        { type: 'null' },
      ],
    },
    layoutShifts: {
      type: 'array',
      description: 'each layout shift without recent input, with the elements it moved',
      items: {
        type: 'object',
        required: ['score', 'at', 'selectors'],
        properties: {
          score: { type: 'number' },
          at: { type: 'number', description: 'ms from navigation start' },
          selectors: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    repeatView: {
      type: 'object',
      description:
        'with repeatView: the same URL loaded again in the same context (warm cache), measured the same way',
      required: ['httpStatus', 'finalUrl', 'metrics', 'requests', 'transferBytes', 'cachedRequests', 'error'],
      properties: {
        httpStatus: nullable('integer'),
        finalUrl: nullable('string'),
        metrics: ref('Metrics'),
        requests: { type: 'integer', description: 'every request, those answered from the cache included' },
        transferBytes: { type: 'integer', description: 'bytes that came over the network' },
        cachedRequests: { type: 'integer', description: 'requests the browser answered from its cache' },
        error: { anyOf: [ref('MeasureError'), { type: 'null' }] },
      },
    },
    artifacts: {
      type: 'object',
      description: 'images of the load, served by GET /api/tests/:id/artifacts/:node/:name',
      required: ['filmstrip', 'screenshot'],
      properties: {
        filmstrip: {
          type: 'array',
          description: 'frames as painted, at most one per 100 ms, until visually complete',
          items: {
            type: 'object',
            required: ['at', 'url'],
            properties: {
              at: { type: 'number', description: 'ms from navigation start' },
              url: { type: 'string' },
            },
          },
        },
        screenshot: nullable('string', { description: 'URL of the final screenshot' }),
        lighthouse: lighthouseReportLinksSchema,
      },
    },
    lighthouse: rowLighthouseSchema,
  },
} as const

export const speedTestSchema = {
  $id: 'SpeedTest',
  type: 'object',
  description: 'A test: one URL measured from every chosen region node.',
  required: ['id', 'url', 'createdAt', 'state', 'results'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string', description: 'the normalised URL' },
    createdAt: { type: 'string', format: 'date-time' },
    state: { type: 'string', enum: ['running', 'done'] },
    results: { type: 'array', items: ref('RegionResult') },
  },
} as const

export const startRequestSchema = {
  $id: 'StartRequest',
  type: 'object',
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      maxLength: MAX_URL_LENGTH,
      description: 'the page to test; a bare host gets https://',
      examples: ['https://example.com'],
    },
    regions: {
      type: 'array',
      items: { type: 'string', maxLength: 64 },
      minItems: 1,
      maxItems: 64,
      description: 'region codes to measure from; default every region',
    },
    runs: {
      type: 'integer',
      minimum: 1,
      maximum: 5,
      description: 'page loads per region, each in a fresh context; the row reports the median run by load',
    },
    budget: ref('Budget'),
    device: {
      type: 'string',
      enum: [...DEVICE_NAMES],
      description: 'desktop (default): 1350×940; mobile: 412×823 at DPR 1.75, a mobile user agent, touch',
    },
    connectivity: {
      type: 'string',
      enum: [...CONNECTIVITY_NAMES],
      description:
        "native (default); cable, 4g, 3g, 3g-slow: WebPageTest's latency and bandwidth, on the runner's egress proxy",
    },
    repeatView: {
      type: 'boolean',
      description:
        "also load the page a second time in the same browser context (warm cache), reported as each row's repeatView",
    },
    lighthouse: {
      type: 'boolean',
      description:
        'also run a Lighthouse performance audit in every region after its measurement (default false); ' +
        'each row then carries lighthouse and links to the full report',
    },
  },
} as const

export const startedSchema = {
  $id: 'Started',
  type: 'object',
  required: ['id', 'url', 'regions', 'links'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string', description: 'the normalised URL' },
    regions: { type: 'array', items: { type: 'string' }, description: 'one entry per row' },
    nodes: {
      type: 'array',
      items: { type: 'object', properties: { node: { type: 'string' }, region: { type: 'string' } } },
    },
    links: {
      type: 'object',
      required: ['self', 'events', 'page'],
      properties: {
        self: { type: 'string', description: 'GET: the test' },
        events: { type: 'string', description: 'GET: its Server-Sent Events' },
        page: { type: 'string', description: 'the web page of the test (a permalink)' },
      },
    },
  },
} as const

export const regionEntrySchema = {
  $id: 'RegionEntry',
  type: 'object',
  description: 'A live member of the cluster, placed on the map.',
  required: ['region', 'node', 'machineId', 'capacity'],
  properties: {
    region: { type: 'string' },
    node: { type: 'string' },
    machineId: { type: 'string' },
    capacity: { type: 'integer', description: 'measurements it runs at once' },
    httpUrl: { type: 'string' },
    city: { type: 'string' },
    country: { type: 'string' },
    lat: { type: 'number' },
    lon: { type: 'number' },
  },
} as const

export const poolSchema = {
  $id: 'Pool',
  type: 'object',
  description: 'A runner pool of this node: runners, busy slots, waiting callers, boots, failures.',
  required: ['name', 'runners', 'ready', 'draining', 'booting', 'busySlots', 'waiting'],
  properties: {
    name: { type: 'string' },
    runners: { type: 'integer', description: 'live runners: ready + draining' },
    ready: { type: 'integer' },
    draining: { type: 'integer' },
    booting: { type: 'integer' },
    busySlots: { type: 'integer' },
    waiting: { type: 'integer', description: 'callers waiting for a free slot' },
  },
} as const

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

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string; description: string }> {
  const described: Record<number, string> = {
    400: 'invalid_url, bad_request, blocked_address or unknown_region',
    401: 'unauthorized: an API key is needed (Authorization: Bearer <key>) or the one sent is wrong',
    404: 'not_found',
    413: 'bad_request: the body is too large',
    414: 'bad_request: a path parameter is too long',
    415: 'bad_request: the body is not JSON',
    429: 'rate_limited (by client, target host or in all); Retry-After says when to try again',
  }
  return Object.fromEntries(
    statuses.map((status) => [status, { ...ref('Error'), description: described[status] ?? 'error' }]),
  )
}
