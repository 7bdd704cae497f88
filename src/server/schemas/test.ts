/**
 * A test as the API gives it (SpeedTest), the body that starts one and the answer to it.
 * The start request is validated without type coercion: a `url` that is a number is
 * refused, not turned into a dotted IPv4 address.
 *
 *   POST /api/tests {"url": "https://example.com", "regions": ["ord"], "runs": 3}
 */

import { DEVICE_NAMES } from '../../browser/devices.ts'
import { CONNECTIVITY_NAMES } from '../../speedtest/connectivity.ts'
import { MAX_URL_LENGTH, ref } from './common.ts'

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
