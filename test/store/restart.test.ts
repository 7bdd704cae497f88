/**
 * Results that last: a real `wps serve` on the default SQLite store runs a test to the
 * end, is killed with SIGKILL, and started again on the same data folder. The finished
 * test, its network log (an artifact file) and its history entry come back unchanged;
 * a test that was still loading when the node died comes back done, its row ended as
 * `node_lost`, instead of hanging forever.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import Database from 'better-sqlite3'
import type { RegionResult, SpeedTest } from '../../src/speedtest/model.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { runTest, startTest, waitUntil } from '../support/api.ts'
import { freshDataDir } from '../support/data-dir.ts'
import { readEvents } from '../support/sse.ts'
import { startWpsServer, type WpsServer } from '../support/wps-process.ts'

let site: FixtureSite
let server: WpsServer | null = null
const dataDir = freshDataDir('restart')
const env = { WPS_DATA_DIR: dataDir, WPS_ALLOW_PRIVATE: '1', WPS_RATE_LIMIT_PER_MIN: '1000' }

before(async () => {
  site = await startFixtureSite()
})
after(async () => {
  await server?.stop()
  await site?.close()
})

const getJson = async (url: string): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return { status: response.status, body: await response.json() }
}

it('serves a finished test, its artifacts and its history unchanged after kill -9 and restart', async () => {
  server = await startWpsServer(env)
  const run = await runTest(server.url, { url: `${site.url}${FACTS.rich.path}` })
  const id = run.started.id
  assert.equal(run.test.state, 'done')
  const before = await getJson(`${server.url}/api/tests/${id}`)
  assert.equal(before.status, 200)
  const finished = before.body as SpeedTest
  assert.equal(finished.results[0]?.status, 'complete')
  assert.equal(finished.results[0]?.entries?.length, FACTS.rich.requests, 'the network log is served whole')
  // The log lives beside the row, not in it — and so does each image the row links. All are
  // small, so the SQLite file holds them (artifacts table) rather than files of their own.
  const sqlite = new Database(join(dataDir, 'wps.sqlite'), { readonly: true })
  const names = sqlite.prepare('SELECT name FROM artifacts WHERE test_id = ?').pluck().all(id)
  const body = sqlite.prepare('SELECT body FROM test_rows WHERE test_id = ?').pluck().get(id)
  sqlite.close()
  assert.ok(typeof body === 'string' && !('entries' in JSON.parse(body)), 'no network log in the row')
  assert.ok(names.includes('entries'), names.join(', '))
  const images = finished.results[0]?.artifacts
  const linked = (images?.filmstrip.length ?? 0) + (images?.screenshot ? 1 : 0)
  assert.ok(linked > 0, 'the row links its filmstrip and screenshot')
  assert.equal(
    names.filter((name) => typeof name === 'string' && name.endsWith('.jpg')).length,
    linked,
    names.join(', '),
  )
  assert.equal(existsSync(join(dataDir, 'artifacts', id)), false, 'no file for data this small')

  // A second test, caught mid-load by the crash: the page's script never finishes.
  const hanging = await startTest(server.url, { url: `${site.url}${FACTS.never.path}` })
  await readEvents(
    `${server.url}${hanging.links.events}`,
    (e) => e.event === 'region' && (e.data as RegionResult).status === 'loading',
    30_000,
  )

  server.child.kill('SIGKILL')
  const killed = await server.stop()
  assert.equal(killed.signal, 'SIGKILL')
  assert.deepEqual(
    killed.leftovers.map((p) => p.command),
    [],
    'runners and browsers die with their node',
  )

  server = await startWpsServer(env)
  const after = await getJson(`${server.url}/api/tests/${id}`)
  assert.equal(after.status, 200)
  assert.deepEqual(after.body, finished, 'served unchanged after the restart')

  const history = await getJson(
    `${server.url}/api/tests?url=${encodeURIComponent(`${site.url}${FACTS.rich.path}`)}`,
  )
  const listed = history.body as {
    tests: Array<{ id: string; state: string; results: RegionResult[] }>
    next: unknown
  }
  assert.deepEqual(
    listed.tests.map((t) => [t.id, t.state]),
    [[id, 'done']],
  )
  assert.equal(listed.next, null)
  assert.equal(listed.tests[0]?.results[0]?.metrics.load, finished.results[0]?.metrics.load)
  assert.equal('entries' in (listed.tests[0]?.results[0] ?? {}), false, 'history rows carry no waterfall')

  const replayed = await readEvents(`${server.url}/api/tests/${id}/events`, (e) => e.event === 'done', 10_000)
  assert.deepEqual(
    replayed.map((e) => e.event),
    ['region', 'done'],
  )
  assert.deepEqual(replayed.at(-1)?.data, finished)

  // The interrupted test: done, its row ended by the restarted node, not left `loading`.
  const interrupted = (await getJson(`${server.url}/api/tests/${hanging.id}`)).body as SpeedTest
  assert.equal(interrupted.state, 'done')
  assert.equal(interrupted.results[0]?.status, 'error')
  assert.equal(interrupted.results[0]?.error?.code, 'node_lost')
  await waitUntil(
    async () => {
      const recent = (await getJson(`${server?.url}/api/tests?limit=5`)).body as {
        tests: Array<{ id: string }>
      }
      return recent.tests.map((t) => t.id).join() === [hanging.id, id].join()
    },
    5000,
    'recent tests list both, newest first',
  )
})
