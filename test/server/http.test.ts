/**
 * The HTTP layer alone, in-process with Fastify's `inject`: the real routes, error shapes
 * and event stream in front of a node whose region is scripted (test/support/scripted-node.ts),
 * so no browser runs. The real flow, with Chromium, is test/server/api.test.ts.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { SpeedTest } from '../../src/speedtest/model.ts'
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
    node = scriptedNode({
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
