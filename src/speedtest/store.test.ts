import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { SpeedTest } from './model.ts'
import { MemoryTestStore } from './store.ts'

const test = (id: string, state: SpeedTest['state'] = 'running'): SpeedTest => ({
  id,
  url: `https://example.com/${id}`,
  createdAt: new Date(0).toISOString(),
  state,
  results: [],
})

it('saves, replaces and returns copies of tests', async () => {
  const store = new MemoryTestStore()
  await store.save(test('a'))
  await store.save(test('a', 'done'))
  const got = await store.get('a')
  assert.equal(got?.state, 'done')
  if (got) got.state = 'running'
  assert.equal((await store.get('a'))?.state, 'done')
  assert.equal(await store.get('missing'), null)
})

it('keeps only the most recent tests, newest first', async () => {
  const store = new MemoryTestStore({ capacity: 2 })
  for (const id of ['a', 'b', 'c']) await store.save(test(id))
  assert.equal(await store.get('a'), null)
  assert.deepEqual(
    (await store.recent(10)).map((t) => t.id),
    ['c', 'b'],
  )
})
