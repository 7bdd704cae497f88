/**
 * The page is one index.html with client-side routes (web/src/routes.ts). Opening any of
 * them directly — a permalink, a history link, a compare link pasted into a chat — must
 * answer with that page, not a 404; paths that are neither a route nor a file still 404.
 *
 *   node --import tsx --test test/server/page-routes.test.ts
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { type ScriptedNode, scriptedNode } from '../support/scripted-node.ts'

const PAGE = '<!doctype html><title>World Page Speed</title><div id="app"></div>'

describe('page routes', () => {
  let node: ScriptedNode
  let app: FastifyInstance
  const root = mkdtempSync(join(tmpdir(), 'wps-web-'))

  before(async () => {
    writeFileSync(join(root, 'index.html'), PAGE)
    node = await scriptedNode({ region: 'ord' })
    app = await node.server({ webRoot: root })
  })
  after(async () => {
    await node?.close()
    rmSync(root, { recursive: true, force: true })
  })

  for (const url of ['/', '/tests/abc123', '/history?url=example.com', '/compare?a=x&b=y', '/history']) {
    it(`${url} answers with the page`, async () => {
      const response = await app.inject({ method: 'GET', url })
      assert.equal(response.statusCode, 200, response.body)
      assert.match(String(response.headers['content-type']), /text\/html/)
      assert.equal(response.body, PAGE)
    })
  }

  it('a path that is no route is a JSON 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' })
    assert.equal(response.statusCode, 404)
    assert.equal((response.json() as { error: { code: string } }).error.code, 'not_found')
  })

  it('without a build every route says how to build the page', async () => {
    const bare = await node.server({ webRoot: join(root, 'missing') })
    for (const url of ['/', '/history', '/compare?a=x&b=y']) {
      const response = await bare.inject({ method: 'GET', url })
      assert.equal(response.statusCode, 503)
      assert.match(response.body, /npm run build:web/)
    }
  })
})
