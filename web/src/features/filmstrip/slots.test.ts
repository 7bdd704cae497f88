import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frameSlots, slotStep } from './slots.ts'

test('slots show the newest frame painted by their time, marking visible changes', () => {
  const slots = frameSlots(
    [
      { at: 420, url: 'b' },
      { at: 0, url: 'a' },
    ],
    200,
    600,
  )
  assert.deepEqual(slots, [
    { at: 0, url: 'a', changed: true },
    { at: 200, url: 'a', changed: false },
    { at: 400, url: 'a', changed: false },
    { at: 600, url: 'b', changed: true },
  ])
})

test('before the first frame a slot is blank; the axis ends at or after the last frame', () => {
  const slots = frameSlots([{ at: 150, url: 'x' }], 100, 150)
  assert.deepEqual(
    slots.map((slot) => [slot.at, slot.url]),
    [
      [0, null],
      [100, null],
      [200, 'x'],
    ],
  )
})

test('the step keeps the strip short', () => {
  assert.equal(slotStep(900), 100)
  assert.equal(slotStep(1500), 200)
  assert.equal(slotStep(9000), 1000)
})
