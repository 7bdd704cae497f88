/**
 * A test's row (RegionResult) and what it is made of: the metrics, a measurement's error,
 * one request of the waterfall. Rows gain fields as features land, so objects allow more
 * properties than they list (the contract: extend freely).
 *
 *   app.addSchema(regionResultSchema)   // then ref('RegionResult') anywhere
 */

import { DEVICE_NAMES } from '../../browser/devices.ts'
import { CONNECTIVITY_NAMES } from '../../speedtest/connectivity.ts'
import { ms, nullable, ref } from './common.ts'
import { lighthouseReportLinksSchema, rowLighthouseSchema } from './lighthouse.ts'

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
