import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { thinFilmstrip } from './frames.ts'

describe('thinFilmstrip', () => {
  const f = (at: number, jpeg: string) => ({ at, jpeg })

  it('starts with the last frame before navigation as 0, then keeps the last frame of each 100 ms', () => {
    const kept = thinFilmstrip(
      [f(-80, 'old'), f(-20, 'blank'), f(30, 'a'), f(60, 'b'), f(150, 'c'), f(420, 'd')],
      420,
    )
    assert.deepEqual(kept, [f(0, 'blank'), f(60, 'b'), f(150, 'c'), f(420, 'd')])
  })

  it('stops at visually complete and drops frames that show nothing new', () => {
    const kept = thinFilmstrip([f(-5, 'blank'), f(10, 'blank'), f(250, 'x'), f(600, 'y')], 250)
    assert.deepEqual(kept, [f(0, 'blank'), f(250, 'x')])
  })

  it('keeps every painted 100 ms without a visually complete figure, in time order', () => {
    const kept = thinFilmstrip([f(320, 'c'), f(120, 'b'), f(5, 'a')], null)
    assert.deepEqual(
      kept.map((k) => k.at),
      [5, 120, 320],
    )
  })
})
