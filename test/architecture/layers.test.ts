/**
 * The layering of docs/architecture.md, checked on every run of the suite: imports go
 * downward only — `cli → server → speedtest → {cluster, flame, store, browser, latency}`
 * → shared leaves (`net`, `regions`, `format`) — the components of one level never import each other,
 * `flame/` imports nothing outside itself, and no files import each other in a cycle.
 * A skip downward (cli → cluster) is allowed; upward and sideways are not.
 *
 *   node --import tsx --test test/architecture/layers.test.ts
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findCycles, importGraph, importsOf } from '../support/imports.ts'

/** Each top-level folder of src/ and its level: a folder may import folders of a higher level only. */
const LEVEL: Record<string, number> = {
  cli: 0,
  server: 1,
  speedtest: 2,
  cluster: 3,
  flame: 3,
  store: 3,
  browser: 3,
  latency: 3,
  net: 4,
  regions: 4,
  format: 4,
}

/**
 * Imports that break the rules today, each with who removes it. Work in progress on
 * other branches; the integrator empties this list as those branches land, and the test
 * fails when an entry is no longer needed, so the list cannot go stale.
 */
const KNOWN_VIOLATIONS: Record<string, string> = {}

const folderOf = (file: string): string => file.split('/')[1] ?? ''

function layeringViolations(graph: Map<string, string[]>): string[] {
  const found: string[] = []
  for (const [file, targets] of graph) {
    const from = folderOf(file)
    for (const target of targets) {
      const to = folderOf(target)
      if (!target.startsWith('src/') || from === to) continue
      const edge = `${file} → ${target}`
      if (from === 'flame') found.push(edge)
      else if (!(from in LEVEL) || !(to in LEVEL)) found.push(`${edge} (a folder with no level)`)
      else if ((LEVEL[to] as number) <= (LEVEL[from] as number)) found.push(edge)
    }
  }
  for (const cycle of findCycles(graph)) found.push(`cycle ${[...cycle].sort().join(' → ')}`)
  return found.sort()
}

describe('layers', () => {
  const graph = importGraph('src')

  it('sees the imports it checks', () => {
    // A scan that finds nothing would pass everything: prove it reads real edges.
    assert.ok(graph.size > 50, `${graph.size} files`)
    assert.ok(graph.get('src/cli/serve.ts')?.includes('src/server/app.ts'))
    assert.deepEqual(
      importsOf(
        "import type { A } from './a.ts'\nexport { b } from '../b.ts'\nconst c = await import('./c.ts')\n// import x from './x.ts'",
      ),
      ['./a.ts', '../b.ts', './c.ts'],
    )
    assert.deepEqual(
      layeringViolations(
        new Map([
          ['src/cluster/a.ts', ['src/browser/b.ts']],
          ['src/browser/b.ts', ['src/server/c.ts']],
          ['src/server/c.ts', ['src/cluster/a.ts']],
        ]),
      ),
      [
        'cycle src/browser/b.ts → src/cluster/a.ts → src/server/c.ts',
        'src/browser/b.ts → src/server/c.ts',
        'src/cluster/a.ts → src/browser/b.ts',
      ],
    )
  })

  it('imports go downward only, flame imports nothing of the app, and nothing is cyclic', () => {
    const found = layeringViolations(graph)
    const unexpected = found.filter((violation) => !(violation in KNOWN_VIOLATIONS))
    assert.deepEqual(unexpected, [], 'imports that break the layering (docs/architecture.md)')
    const fixed = Object.keys(KNOWN_VIOLATIONS).filter((violation) => !found.includes(violation))
    assert.deepEqual(fixed, [], 'known violations that are gone: remove them from KNOWN_VIOLATIONS')
  })
})
