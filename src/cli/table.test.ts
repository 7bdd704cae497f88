import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emptyMetrics } from '../speedtest/model.ts'
import { alignRows, numberCells, numberHeader } from './table.ts'

describe('numberCells', () => {
  const view = {
    metrics: { ...emptyMetrics(), ttfb: 41, load: 410, cls: 0.12, speedIndex: 300 },
    requests: 12,
    transferBytes: null,
  }

  it('gives one cell per header, in the header order', () => {
    const cells = numberCells(view)
    assert.equal(cells.length, numberHeader().length)
    assert.equal(cells[numberHeader().indexOf('ttfb')], '41 ms')
    assert.equal(cells[numberHeader().indexOf('load')], '410 ms')
    assert.equal(cells[numberHeader().indexOf('requests')], '12')
    assert.ok(!numberHeader().includes('si'))
  })

  it('adds the Speed Index before requests when asked', () => {
    const header = numberHeader({ speedIndex: true })
    const cells = numberCells(view, { speedIndex: true })
    assert.deepEqual(header.slice(-3), ['si', 'requests', 'bytes'])
    assert.equal(cells[header.indexOf('si')], '300 ms')
    assert.equal(cells.length, header.length)
  })
})

describe('alignRows', () => {
  it('pads each column to its widest cell, two spaces apart, no trailing blanks', () => {
    assert.deepEqual(
      alignRows(
        ['a', 'bb', 'c'],
        [
          ['long', 'x', ''],
          ['y', 'wider', 'z'],
        ],
      ),
      ['a     bb     c', 'long  x', 'y     wider  z'],
    )
  })
})
