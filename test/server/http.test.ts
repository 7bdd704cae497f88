/**
 * The HTTP layer alone, in-process with Fastify's `inject`: the real routes, error shapes
 * and event stream in front of a node whose region is scripted (test/support/scripted-node.ts),
 * so no browser runs. The real flow, with Chromium, is test/server/api.test.ts.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { API_ERROR_CODES } from '../../src/server/errors.ts'
import type { SpeedTest } from '../../src/speedtest/model.ts'
import { parsePrometheus } from '../support/prometheus.ts'
import { schemaErrors } from '../support/schema-check.ts'
import { completeRow, type ScriptedNode, scriptedNode } from '../support/scripted-node.ts'

interface ApiError {
  error: { code: string; message: string }
}

/** The events of a finished SSE body, as [name, data] pairs. */
function parseEvents(body: string): Array<[string, unknown]> {
  return body
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: '))
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n')
      return [
        eventLine?.slice('event: '.length) ?? '',
        JSON.parse(dataLine?.slice('data: '.length) ?? 'null'),
      ]
    })
}

describe('HTTP API in-process', () => {
  let node: ScriptedNode
  let app: FastifyInstance

  before(async () => {
    node = await scriptedNode({
      region: 'ord',
      measure: async (_request, emit) => {
        emit({ status: 'loading', updatedAt: Date.now() })
        return completeRow(250)
      },
    })
    app = await node.server()
  })
  after(async () => node?.close())

  it('starts a test, reads it back and streams its rows to done', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/tests',
      payload: { url: 'http://127.0.0.1:1/page' },
    })
    assert.equal(created.statusCode, 201, created.body)
    const body = created.json() as {
      id: string
      url: string
      regions: string[]
      links: Record<string, string>
    }
    assert.equal(body.url, 'http://127.0.0.1:1/page')
    assert.deepEqual(body.regions, ['ord'])
    assert.equal(created.headers.location, `/api/tests/${body.id}`)
    assert.deepEqual(body.links, {
      self: `/api/tests/${body.id}`,
      events: `/api/tests/${body.id}/events`,
      page: `/tests/${body.id}`,
    })
    assert.deepEqual(
      node.measured.map((m) => m.url),
      ['http://127.0.0.1:1/page'],
    )

    const stream = await app.inject({ method: 'GET', url: body.links.events ?? '' })
    assert.equal(stream.statusCode, 200)
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/)
    const events = parseEvents(stream.body)
    assert.equal(events.at(-1)?.[0], 'done')
    const done = events.at(-1)?.[1] as SpeedTest
    assert.equal(done.state, 'done')
    assert.equal(done.results[0]?.status, 'complete')
    assert.equal(done.results[0]?.metrics.load, 250)

    const read = (await app.inject({ method: 'GET', url: body.links.self ?? '' })).json() as SpeedTest
    assert.deepEqual(read, done)
  })

  it('checks a posted budget on the row and documents the verdict', async () => {
    // completeRow: lcp 30 ms, 3 requests, 4096 bytes.
    const budget = { metrics: { lcp: 20, ttfb: 100 }, requests: 3, regions: { ord: { transferBytes: 4000 } } }
    const created = await app.inject({
      method: 'POST',
      url: '/api/tests',
      payload: { url: 'http://127.0.0.1:1/budget', budget },
    })
    assert.equal(created.statusCode, 201, created.body)
    const { links } = created.json() as { links: { self: string; events: string } }
    const events = parseEvents((await app.inject({ method: 'GET', url: links.events })).body)
    const done = events.at(-1)?.[1] as SpeedTest
    assert.deepEqual(done.results[0]?.budget, {
      passed: false,
      checks: [
        { metric: 'ttfb', value: 5, limit: 100, passed: true },
        { metric: 'lcp', value: 30, limit: 20, passed: false },
        { metric: 'requests', value: 3, limit: 3, passed: true },
        { metric: 'transferBytes', value: 4096, limit: 4000, passed: false },
      ],
    })
    const read = (await app.inject({ method: 'GET', url: links.self })).json() as SpeedTest
    assert.deepEqual(read.results[0]?.budget, done.results[0]?.budget)
    assert.deepEqual(await schemaErrors('SpeedTest', read), [])
  })

  it('answers 404 not_found for unknown tests', async () => {
    for (const url of ['/api/tests/nope', '/api/tests/nope/events']) {
      const answer = await app.inject({ method: 'GET', url })
      assert.equal(answer.statusCode, 404, url)
      assert.equal((answer.json() as ApiError).error.code, 'not_found', url)
    }
  })

  it('lists its region with its place, and answers health checks', async () => {
    const regions = (await app.inject({ method: 'GET', url: '/api/regions' })).json() as Array<{
      region: string
      node: string
      city?: string
    }>
    assert.deepEqual(
      regions.map((r) => [r.region, r.node, r.city]),
      [['ord', 'ord-scripted', 'Chicago']],
    )
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    assert.deepEqual(health.json(), { ok: true, node: 'ord-scripted', region: 'ord' })
  })
})

describe('HTTP API input and errors', () => {
  let node: ScriptedNode
  let app: FastifyInstance

  before(async () => {
    node = await scriptedNode()
    app = await node.server()
  })
  after(async () => node?.close())

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    })

  it('refuses a url that is not a string, and never starts a test for it', async () => {
    // 167772161 is 10.0.0.1 as a number: coerced to a string it would start a test against it.
    const cases: unknown[] = [
      { url: 167772161 },
      { url: ['http://127.0.0.1:1/'] },
      { url: { href: 'x' } },
      {},
    ]
    for (const body of cases) {
      const answer = await post(body)
      assert.equal(answer.statusCode, 400, JSON.stringify(body))
      const error = (answer.json() as ApiError).error
      assert.equal(error.code, 'invalid_url', JSON.stringify(body))
      assert.match(error.message, /url/i)
    }
    assert.deepEqual(node.measured, [], 'no region was asked to measure')
  })

  it('refuses runs given as a string or a boolean, and regions that are not a list of codes', async () => {
    const cases: unknown[] = [
      { url: 'http://127.0.0.1:1/', runs: '3' },
      { url: 'http://127.0.0.1:1/', runs: true },
      { url: 'http://127.0.0.1:1/', runs: 2.5 },
    ]
    for (const body of cases) {
      const answer = await post(body)
      assert.equal(answer.statusCode, 400, JSON.stringify(body))
      assert.equal((answer.json() as ApiError).error.code, 'bad_request', JSON.stringify(body))
    }
    for (const regions of ['local', [], [7]]) {
      const answer = await post({ url: 'http://127.0.0.1:1/', regions })
      assert.equal(answer.statusCode, 400, JSON.stringify(regions))
      assert.equal((answer.json() as ApiError).error.code, 'unknown_region', JSON.stringify(regions))
    }
    const worded = (await post({ url: 'http://127.0.0.1:1/', runs: '3' })).json() as ApiError
    assert.equal(worded.error.message, '"runs" must be a whole number from 1 to 5.')
    assert.deepEqual(node.measured, [])
  })

  it('refuses a malformed budget as bad_request, naming the field, and starts nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['fast', /"budget" must be object/],
      [{ metrics: { lcp: '2500' } }, /"budget\.metrics\.lcp" must be number/],
      [{ metrics: { lcpp: 1 } }, /"budget\.metrics" must NOT have additional properties/],
      [{ requests: -1 }, /"budget\.requests" must be >= 0/],
      [{ regions: { syd: { regions: {} } } }, /"budget\.regions\.syd" must NOT have additional properties/],
      [{}, /budget: The budget sets no limit/],
    ]
    for (const [budget, message] of cases) {
      const answer = await post({ url: 'http://127.0.0.1:1/', budget })
      assert.equal(answer.statusCode, 400, JSON.stringify(budget))
      const error = (answer.json() as ApiError).error
      assert.equal(error.code, 'bad_request', JSON.stringify(budget))
      assert.match(error.message, message)
    }
    assert.deepEqual(node.measured, [])
  })

  it('reads the query string and path as the types their schemas name', async () => {
    // The URL is text: there, "20" is the integer 20 (a route of the node's with a typed query).
    const probe = await node.server()
    probe.get(
      '/probe/:n',
      {
        schema: {
          params: { type: 'object', properties: { n: { type: 'integer' } } },
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer' }, url: { type: 'string' } },
          },
        },
      },
      async (request) => request.query,
    )
    const answer = await probe.inject({ method: 'GET', url: '/probe/3?limit=20&url=123' })
    assert.equal(answer.statusCode, 200, answer.body)
    assert.deepEqual(answer.json(), { limit: 20, url: '123' })
    const bad = await probe.inject({ method: 'GET', url: '/probe/3?limit=many' })
    assert.equal(bad.statusCode, 400)
    assert.equal((bad.json() as ApiError).error.code, 'bad_request')
  })

  it("answers Fastify's own errors in our shape, with the security headers", async () => {
    const cases: Array<
      [
        string,
        Promise<{ statusCode: number; headers: Record<string, unknown>; json(): unknown }>,
        number,
        string,
      ]
    > = [
      ['bad percent-encoding', app.inject({ method: 'GET', url: '/%' }), 400, 'bad_request'],
      ['unknown route', app.inject({ method: 'GET', url: '/no/such/page' }), 404, 'not_found'],
      ['body too large', post({ url: `http://127.0.0.1:1/${'a'.repeat(20_000)}` }), 413, 'bad_request'],
      [
        'path parameter too long',
        app.inject({ method: 'GET', url: `/api/tests/${'x'.repeat(200)}` }),
        414,
        'bad_request',
      ],
      [
        'not JSON',
        post('url=x', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'bad_request',
      ],
      ['broken JSON', post('{"url":'), 400, 'bad_request'],
    ]
    for (const [what, pending, status, code] of cases) {
      const answer = await pending
      assert.equal(answer.statusCode, status, what)
      const body = answer.json() as ApiError
      assert.equal(body.error.code, code, what)
      assert.ok(body.error.message.length > 5, what)
      assert.match(String(answer.headers['content-security-policy']), /default-src 'self'/, what)
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', what)
    }
    assert.deepEqual(node.measured, [])
  })
})

describe('OpenAPI', () => {
  let node: ScriptedNode
  let app: FastifyInstance

  before(async () => {
    node = await scriptedNode()
    app = await node.server()
  })
  after(async () => node?.close())

  it('documents every route, RegionResult and every error code at /api/openapi.json', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/openapi.json' })
    assert.equal(answer.statusCode, 200)
    const doc = answer.json() as {
      openapi: string
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
    }
    assert.match(doc.openapi, /^3\./)
    for (const path of [
      '/api/tests',
      '/api/tests/{id}',
      '/api/tests/{id}/events',
      '/api/regions',
      '/api/pools',
      '/healthz',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`)
    }
    assert.ok(doc.paths['/api/tests']?.post?.requestBody, 'POST /api/tests has its body')
    assert.deepEqual(Object.keys(doc.paths['/api/tests']?.post?.responses ?? {}).sort(), [
      '201',
      '400',
      '401',
      '413',
      '415',
      '429',
    ])
    const result = doc.components.schemas.RegionResult
    assert.ok(result?.properties, 'RegionResult is a component')
    for (const field of [
      'region',
      'node',
      'status',
      'metrics',
      'requests',
      'transferBytes',
      'cold',
      'bootMs',
      'error',
    ]) {
      assert.ok(field in (result.properties ?? {}), `RegionResult.${field}`)
    }
    const error = doc.components.schemas.Error as {
      properties: { error: { properties: { code: { enum: string[] } } } }
    }
    assert.deepEqual(error.properties.error.properties.code.enum, [...API_ERROR_CODES])
    assert.ok(!('/tests/{id}' in doc.paths) && !('/' in doc.paths), 'the web page routes are not API')
  })

  it('serves browsable docs at /api/docs', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs' })
    const html =
      page.statusCode === 302 ? await app.inject({ method: 'GET', url: String(page.headers.location) }) : page
    assert.equal(html.statusCode, 200)
    assert.match(html.body, /swagger-ui/i)
    const spec = await app.inject({ method: 'GET', url: '/api/docs/json' })
    assert.equal(spec.statusCode, 200)
    assert.deepEqual(spec.json(), (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json())
  })
})

describe('requests refused by the HTTP parser', () => {
  let node: ScriptedNode
  let app: FastifyInstance

  before(async () => {
    node = await scriptedNode()
    app = await node.server()
    await app.listen({ port: 0, host: '127.0.0.1' })
  })
  after(async () => node?.close())

  /** Sends raw bytes and returns everything the server answers before it closes. */
  async function raw(request: string): Promise<string> {
    const address = app.server.address()
    if (typeof address !== 'object' || !address) throw new Error('not listening')
    const socket = connect(address.port, '127.0.0.1')
    socket.end(request)
    let answer = ''
    for await (const chunk of socket) answer += String(chunk)
    return answer
  }

  it('answers headers that are too large, and garbage, in our shape', async () => {
    const cases: Array<[string, RegExp]> = [
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
      ['NOT HTTP AT ALL\r\n\r\n', /^HTTP\/1\.1 400 /],
    ]
    for (const [request, statusLine] of cases) {
      const answer = await raw(request)
      assert.match(answer, statusLine)
      assert.match(answer, /\r\nx-content-type-options: nosniff\r\n/)
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as ApiError
      assert.equal(body.error.code, 'bad_request')
    }
  })
})

describe('deploy: CSP and client addresses', () => {
  const nodes: ScriptedNode[] = []
  after(async () => {
    for (const node of nodes) await node.close()
  })
  async function server(options: Parameters<ScriptedNode['server']>[0] = {}): Promise<FastifyInstance> {
    const node = await scriptedNode()
    nodes.push(node)
    return node.server(options)
  }
  const csp = async (app: FastifyInstance, headers: Record<string, string> = {}) =>
    String((await app.inject({ method: 'GET', url: '/healthz', headers })).headers['content-security-policy'])

  it('upgrades insecure requests only over HTTPS or when the public URL is https', async () => {
    const plain = await server()
    assert.doesNotMatch(await csp(plain), /upgrade-insecure-requests/)
    // Not behind a trusted proxy, a client's X-Forwarded-Proto means nothing.
    assert.doesNotMatch(await csp(plain, { 'x-forwarded-proto': 'https' }), /upgrade-insecure-requests/)
    const proxied = await server({ trustProxy: true })
    assert.match(await csp(proxied, { 'x-forwarded-proto': 'https' }), /upgrade-insecure-requests/)
    assert.doesNotMatch(await csp(proxied), /upgrade-insecure-requests/)
    const published = await server({ publicUrl: 'https://speed.example.com/' })
    assert.match(await csp(published), /upgrade-insecure-requests/)
    const publishedPlain = await server({ publicUrl: 'http://wps.lan:4000/' })
    assert.doesNotMatch(await csp(publishedPlain), /upgrade-insecure-requests/)
  })

  it('rate-limits by the socket address: a rotating X-Forwarded-For does not dodge it', async () => {
    const start = (app: FastifyInstance, forwardedFor: string) =>
      app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: { 'x-forwarded-for': forwardedFor },
        payload: { url: 'http://127.0.0.1:1/' },
      })
    const app = await server({ startsPerMinute: 2 })
    const statuses = [] as number[]
    for (let i = 1; i <= 4; i++) statuses.push((await start(app, `203.0.113.${i}`)).statusCode)
    assert.deepEqual(statuses, [201, 201, 429, 429])
    const limited = await start(app, '203.0.113.99')
    assert.equal((limited.json() as ApiError).error.code, 'rate_limited')
    assert.ok(Number(limited.headers['retry-after']) > 0)

    // Behind a proxy the operator trusts, the forwarded address is the client.
    const trusting = await server({ startsPerMinute: 2, trustProxy: '127.0.0.1' })
    const trusted = [] as number[]
    for (let i = 1; i <= 3; i++) trusted.push((await start(trusting, `203.0.113.${i}`)).statusCode)
    assert.deepEqual(trusted, [201, 201, 201])
    assert.equal((await start(trusting, '203.0.113.1')).statusCode, 201)
    assert.equal((await start(trusting, '203.0.113.1')).statusCode, 429)
  })
})

describe('API keys (WPS_API_KEYS)', () => {
  const KEY = 'k-0123456789abcdef-one'
  const OTHER = 'k-0123456789abcdef-two'
  let node: ScriptedNode
  before(async () => {
    node = await scriptedNode()
  })
  after(async () => node?.close())

  const start = (app: FastifyInstance, authorization?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: authorization ? { authorization } : {},
      payload: { url: 'http://127.0.0.1:1/keyed' },
    })

  it('refuses a start without a valid key (401 in our shape), accepts any configured key; reads stay open', async () => {
    const app = await node.server({ apiKeys: { keys: [KEY, OTHER], protectReads: false } })
    for (const authorization of [
      undefined,
      'Bearer wrong-key-0123456789',
      `Basic ${KEY}`,
      `Bearer ${KEY}x`,
    ]) {
      const refused = await start(app, authorization)
      assert.equal(refused.statusCode, 401, String(authorization))
      assert.equal((refused.json() as ApiError).error.code, 'unauthorized')
      assert.equal(refused.headers['www-authenticate'], 'Bearer')
      assert.doesNotMatch(refused.body, new RegExp(KEY), 'the answer never echoes a key')
    }
    assert.deepEqual(node.measured, [], 'nothing was measured without a key')
    const accepted = await start(app, `Bearer ${KEY}`)
    assert.equal(accepted.statusCode, 201, accepted.body)
    assert.equal((await start(app, `Bearer ${OTHER}`)).statusCode, 201)
    const { id } = accepted.json() as { id: string }
    assert.equal((await app.inject({ method: 'GET', url: `/api/tests/${id}` })).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/api/regions' })).statusCode, 200)
    const access = await app.inject({ method: 'GET', url: '/api/access' })
    assert.deepEqual(access.json(), { startNeedsKey: true, readsNeedKey: false })
    const open = await node.server({})
    assert.deepEqual((await open.inject({ method: 'GET', url: '/api/access' })).json(), {
      startNeedsKey: false,
      readsNeedKey: false,
    })
  })

  it('with WPS_API_KEYS_READ, reads need the key too, but health and docs stay open', async () => {
    const app = await node.server({ apiKeys: { keys: [KEY], protectReads: true } })
    const created = await start(app, `Bearer ${KEY}`)
    assert.equal(created.statusCode, 201)
    const { id } = created.json() as { id: string }
    for (const url of [
      `/api/tests/${id}`,
      `/api/tests/${id}/events`,
      '/api/tests',
      '/api/regions',
      '/api/pools',
    ]) {
      const refused = await app.inject({ method: 'GET', url })
      assert.equal(refused.statusCode, 401, url)
      assert.equal((refused.json() as ApiError).error.code, 'unauthorized', url)
    }
    const read = await app.inject({
      method: 'GET',
      url: `/api/tests/${id}`,
      headers: { authorization: `Bearer ${KEY}` },
    })
    assert.equal(read.statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
    // What needs a key stays open: the page asks before it offers the form.
    const access = await app.inject({ method: 'GET', url: '/api/access' })
    assert.equal(access.statusCode, 200)
    assert.deepEqual(access.json(), { startNeedsKey: true, readsNeedKey: true })
    const doc = await app.inject({ method: 'GET', url: '/api/openapi.json' })
    assert.equal(doc.statusCode, 200)
    const openapi = doc.json() as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> }
      security?: unknown
      paths: Record<string, { post?: { security?: unknown } }>
    }
    assert.deepEqual(
      Object.values(openapi.components.securitySchemes).map((s) => [s.type, s.scheme]),
      [['http', 'bearer']],
    )
    assert.deepEqual(openapi.security, [{ apiKey: [] }])
    assert.deepEqual(openapi.paths['/api/tests']?.post?.security, [{ apiKey: [] }, {}])
  })

  it('without keys, starting needs none', async () => {
    const app = await node.server({ apiKeys: { keys: [], protectReads: true } })
    assert.equal((await start(app)).statusCode, 201)
  })
})

describe('GET /metrics in-process', () => {
  let node: ScriptedNode
  let app: FastifyInstance
  before(async () => {
    node = await scriptedNode({
      pools: () => [
        { name: 'browser', runners: 3, ready: 2, draining: 1, booting: 1, busySlots: 2, waiting: 3 },
        { name: 'other', runners: 1, ready: 1, draining: 0, booting: 0, busySlots: 0, waiting: 1 },
      ],
    })
    app = await node.server()
  })
  after(async () => node?.close())

  it('counts started tests and reads the pool gauges at scrape time', async () => {
    const scrape = async () => {
      const answer = await app.inject({ method: 'GET', url: '/metrics' })
      assert.equal(answer.statusCode, 200)
      assert.match(String(answer.headers['content-type']), /^text\/plain/)
      return parsePrometheus(answer.body)
    }
    assert.equal((await scrape()).value('wps_tests_started_total'), 0)
    const started = await app.inject({
      method: 'POST',
      url: '/api/tests',
      payload: { url: 'http://127.0.0.1:1/' },
    })
    assert.equal(started.statusCode, 201)
    await app.inject({ method: 'POST', url: '/api/tests', payload: { url: 42 } })
    const metrics = await scrape()
    assert.equal(metrics.value('wps_tests_started_total'), 1, 'a refused test is not counted')
    assert.equal(metrics.value('wps_pool_runners', { state: 'ready' }), 3)
    assert.equal(metrics.value('wps_pool_runners', { state: 'draining' }), 1)
    assert.equal(metrics.value('wps_pool_runners', { state: 'booting' }), 1)
    assert.equal(metrics.value('wps_pool_waiting'), 4)
    for (const name of [
      'wps_measurement_seconds_count',
      'wps_queue_wait_seconds_count',
      'wps_runner_boot_seconds_count',
    ]) {
      assert.equal(metrics.value(name), 0, name)
    }
    assert.ok(metrics.samples.some((sample) => sample.name === 'nodejs_heap_size_used_bytes'))
  })
})
