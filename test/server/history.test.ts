/**
 * History and compare over HTTP, in-process: real SpeedTests over a real (in-memory
 * SQLite) store and cluster, measurements scripted so the numbers are known.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { completeRow, type ScriptedNode, scriptedNode } from '../support/scripted-node.ts'

interface Summary {
  id: string
  url: string
  state: string
  results: Array<{ region: string; status: string; metrics: { load: number | null }; entries?: unknown }>
}

describe('GET /api/tests and GET /api/compare', () => {
  let node: ScriptedNode
  let app: FastifyInstance
  let loads: number[]

  before(async () => {
    loads = [900, 700, 800, 600]
    node = await scriptedNode({ region: 'ord', measure: async () => completeRow(loads.shift() ?? 1) })
    app = await node.server()
  })
  after(async () => node?.close())

  const start = async (url: string): Promise<string> => {
    const created = await app.inject({ method: 'POST', url: '/api/tests', payload: { url } })
    assert.equal(created.statusCode, 201, created.body)
    const { id } = created.json() as { id: string }
    // Follow it to done, so its final row is stored.
    for (let i = 0; i < 100; i++) {
      const test = (await app.inject({ url: `/api/tests/${id}` })).json() as { state: string }
      if (test.state === 'done') return id
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error(`test ${id} did not finish`)
  }

  it('lists a URL’s tests newest first, in pages, matching the normalised URL', async () => {
    const first = await start('http://127.0.0.1:1/a')
    const second = await start('http://127.0.0.1:1/a')
    const other = await start('http://127.0.0.1:1/b')
    const third = await start('http://127.0.0.1:1/a#fragment')

    const page1 = await app.inject({
      url: `/api/tests?url=${encodeURIComponent('http://127.0.0.1:1/a')}&limit=2`,
    })
    assert.equal(page1.statusCode, 200, page1.body)
    const body1 = page1.json() as { tests: Summary[]; next: string | null }
    assert.deepEqual(
      body1.tests.map((t) => t.id),
      [third, second],
    )
    assert.equal(body1.tests[0]?.state, 'done')
    assert.equal(body1.tests[0]?.results[0]?.metrics.load, 600)
    assert.equal(body1.tests[0]?.results[0]?.region, 'ord')
    assert.ok(body1.next)
    const page2 = (
      await app.inject({ url: `/api/tests?url=http%3A%2F%2F127.0.0.1%3A1%2Fa&limit=2&before=${body1.next}` })
    ).json() as { tests: Summary[]; next: string | null }
    assert.deepEqual(
      page2.tests.map((t) => t.id),
      [first],
    )
    assert.equal(page2.next, null)

    const recent = (await app.inject({ url: '/api/tests' })).json() as { tests: Summary[] }
    assert.deepEqual(
      recent.tests.map((t) => t.id),
      [third, other, second, first],
    )
  })

  it('refuses a bad limit, cursor or URL with the documented errors', async () => {
    for (const [query, code] of [
      ['limit=0', 'bad_request'],
      ['limit=101', 'bad_request'],
      ['limit=ten', 'bad_request'],
      ['before=not-a-cursor', 'bad_request'],
      ['url=ftp%3A%2F%2Fexample.com', 'invalid_url'],
    ] as const) {
      const answer = await app.inject({ url: `/api/tests?${query}` })
      assert.equal(answer.statusCode, 400, query)
      assert.equal((answer.json() as { error: { code: string } }).error.code, code, query)
    }
  })

  it('compares two tests region by region, with absolute and relative differences', async () => {
    loads = [1000, 750]
    const a = await start('http://127.0.0.1:1/c')
    const b = await start('http://127.0.0.1:1/c')
    const answer = await app.inject({ url: `/api/compare?a=${a}&b=${b}` })
    assert.equal(answer.statusCode, 200, answer.body)
    const comparison = answer.json() as {
      a: { id: string }
      b: { id: string }
      regions: Array<{
        region: string
        diff: Record<string, { a: number; b: number; absolute: number; relative: number }>
      }>
    }
    assert.deepEqual([comparison.a.id, comparison.b.id], [a, b])
    assert.equal(comparison.regions.length, 1)
    assert.deepEqual(comparison.regions[0]?.diff.load, { a: 1000, b: 750, absolute: -250, relative: -0.25 })
    assert.deepEqual(comparison.regions[0]?.diff.requests, { a: 3, b: 3, absolute: 0, relative: 0 })

    const missing = await app.inject({ url: `/api/compare?a=${a}&b=nosuchtest` })
    assert.equal(missing.statusCode, 404)
    assert.match((missing.json() as { error: { message: string } }).error.message, /nosuchtest/)
    const incomplete = await app.inject({ url: `/api/compare?a=${a}` })
    assert.equal(incomplete.statusCode, 400)
  })

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>
    }
    assert.ok(doc.paths['/api/tests']?.get, 'GET /api/tests is documented')
    assert.ok(doc.paths['/api/compare']?.get, 'GET /api/compare is documented')
  })
})
