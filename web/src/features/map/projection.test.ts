import assert from 'node:assert/strict'
import { test } from 'node:test'
import { HEIGHT, place, WIDTH, worldShape } from './projection.ts'

test('the land outline is drawn from the bundled atlas', () => {
  const shape = worldShape()
  assert.ok(shape.land.length > 10_000, `land path of ${shape.land.length} characters`)
  assert.match(shape.land, /^M/)
})

test('regions land where they are: west is left, north is up, all inside the map', () => {
  const chicago = place(41.98, -87.9)
  const frankfurt = place(50.03, 8.57)
  const sydney = place(-33.94, 151.18)
  assert.ok(chicago && frankfurt && sydney)
  assert.ok(chicago[0] < frankfurt[0] && frankfurt[0] < sydney[0], 'west to east')
  assert.ok(frankfurt[1] < chicago[1] && chicago[1] < sydney[1], 'north to south')
  for (const [x, y] of [chicago, frankfurt, sydney]) {
    assert.ok(x > 0 && x < WIDTH && y > 0 && y < HEIGHT, `${x},${y} inside`)
  }
  assert.equal(place(120, 0), null)
})
