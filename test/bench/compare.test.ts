/**
 * The comparison table `--baseline` prints, the figures a section's result flattens to, and
 * the command line of `npm run bench`.
 *
 *   node --import tsx --test test/bench/compare.test.ts
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseBenchArgs } from '../../bench/args.ts'
import { comparisonTable, formatChange, formatValue } from '../../bench/compare.ts'
import { flattenFigures, parseFigures } from '../../bench/figures.ts'

test('a section result flattens to dotted keys; what is not a number is left out, NaN is null', () => {
  assert.deepEqual(
    flattenFigures({
      sqlite: { listP50Ms: 1.25, nice: null },
      events: 40,
      label: 'not a figure',
      met: true,
      lost: Number.NaN,
      runs: [3, 4],
    }),
    { 'sqlite.listP50Ms': 1.25, 'sqlite.nice': null, events: 40, lost: null, 'runs.0': 3, 'runs.1': 4 },
  )
  assert.deepEqual(flattenFigures(undefined), {})
  assert.deepEqual(flattenFigures(12), { value: 12 })
})

test('figures read back from JSON must be numbers or null', () => {
  assert.deepEqual(parseFigures({ a: 1, b: null }, 'x.json'), { a: 1, b: null })
  assert.throws(() => parseFigures({ a: '1' }, 'x.json'), /x\.json: figure a is not a number/)
  assert.throws(() => parseFigures([1], 'x.json'), /x\.json: figures must be an object/)
})

test('values keep four significant digits; the change is relative to the baseline', () => {
  assert.equal(formatValue(1.23456), '1.235')
  assert.equal(formatValue(0.000123), '0.000123')
  assert.equal(formatValue(15234.6), '15235')
  assert.equal(formatValue(null), '—')
  assert.equal(formatChange(90, 100), '-10.0%')
  assert.equal(formatChange(150, 100), '+50.0%')
  assert.equal(formatChange(-2, -4), '+50.0%')
  assert.equal(formatChange(0, 0), '0.0%')
  assert.equal(formatChange(1, 0), '—')
  assert.equal(formatChange(1, null), '—')
})

test('the table lines up both sides key by key, and says why a side has nothing', () => {
  assert.deepEqual(
    comparisonTable(
      'store',
      { status: 'ok', figures: { 'sqlite.listP50Ms': 1.1, new: 3 } },
      { status: 'ok', figures: { 'sqlite.listP50Ms': 1.25, old: 4 } },
      'main',
    ),
    [
      'store: this tree vs main',
      '  figure             this tree   main   change',
      '  sqlite.listP50Ms         1.1   1.25   -12.0%',
      '  new                        3      —        —',
      '  old                        —      4        —',
    ],
  )
  assert.deepEqual(
    comparisonTable(
      'late',
      { status: 'ok', figures: {} },
      { status: 'missing', reason: 'no bench/late.ts' },
      'v1',
    ),
    ['late: this tree vs v1', '  (v1 has no such section (no bench/late.ts))', '  (no figures returned)'],
  )
  const broken = comparisonTable(
    'pool',
    { status: 'broken', error: 'Error: boom\n    at x' },
    { status: 'ok', figures: { coldMs: 100 } },
    'main',
  )
  assert.equal(broken[1], "  (this tree's section broke: Error: boom)")
  assert.equal(broken[3], '  coldMs           —    100        —')
})

test('the command line: sections, --baseline and --json, and clear errors', () => {
  const known = ['store', 'late']
  assert.deepEqual(parseBenchArgs([], known), { sections: [] })
  assert.deepEqual(parseBenchArgs(['--baseline', 'main', 'store'], known), {
    sections: ['store'],
    baseline: 'main',
  })
  assert.deepEqual(parseBenchArgs(['late', '--json=out.json', '--baseline=v1'], known), {
    sections: ['late'],
    json: 'out.json',
    baseline: 'v1',
  })
  assert.throws(() => parseBenchArgs(['stor'], known), /unknown section stor; choose from store, late/)
  assert.throws(
    () => parseBenchArgs(['--base', 'main'], known),
    /Unknown option '--base'.*usage: npm run bench/,
  )
  assert.throws(() => parseBenchArgs(['--baseline'], known), /Option '--baseline <value>' argument missing/)
  assert.throws(() => parseBenchArgs(['--json='], known), /--json needs a value/)
})
