/**
 * `npm run bench` itself (bench/run.ts) as a child process: a bad command line or a ref that
 * is no commit exits 2 before any section runs; `--json <file>` keeps the usual output and
 * writes every figure of the run by section. The store section is the quick one that
 * returns figures (SQLite and a PostgreSQL started for it: a few seconds).
 *
 *   node --import tsx --test test/bench/run.test.ts
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'wps-bench-run-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  })
const worktrees = () =>
  execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: ROOT, encoding: 'utf8' })

test('a bad command line exits 2 and says what was wrong', () => {
  const unknownOption = bench('--bogus')
  assert.equal(unknownOption.status, 2)
  assert.match(
    unknownOption.stderr,
    /Unknown option '--bogus'.*usage: npm run bench -- \[--baseline <git-ref>\]/,
  )
  const unknownSection = bench('stor')
  assert.equal(unknownSection.status, 2)
  assert.match(unknownSection.stderr, /unknown section stor; choose from overhead, pool,/)
  const before = worktrees()
  const noRef = bench('--baseline', 'no-such-ref-anywhere', 'store')
  assert.equal(noRef.status, 2)
  assert.match(noRef.stderr, /--baseline no-such-ref-anywhere: not a commit/)
  assert.doesNotMatch(noRef.stdout, /## Store/)
  assert.equal(worktrees(), before)
})

test('--json writes every figure by section, beside the usual output', () => {
  const file = join(dir, 'results', 'run.json')
  const run = bench('--json', file, 'store')
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /## Store/)
  assert.match(run.stdout, new RegExp(`figures written to ${file}`))
  const written: unknown = JSON.parse(readFileSync(file, 'utf8'))
  assert.ok(typeof written === 'object' && written !== null)
  const { commit, uncommittedChanges, cores, sections, baseline } = written as Record<string, unknown>
  assert.equal(typeof uncommittedChanges, 'boolean')
  assert.equal(commit, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim())
  assert.equal(typeof cores, 'number')
  assert.equal(baseline, undefined)
  const store = (sections as Record<string, { status: string; figures: Record<string, number> }>).store
  assert.equal(store?.status, 'ok')
  for (const key of [
    'sqlite.listP50Ms',
    'sqlite.updatesPerS',
    'postgres.listP50Ms',
    'postgres.finalRowsPerS',
  ]) {
    const value = store?.figures[key]
    assert.ok(typeof value === 'number' && value > 0, `${key} = ${value}`)
  }
  // the value printed is the value written
  const printed = /SQLite[^\n]*\n\s+list 20 of 10000 tests by URL\s+p50 ([\d.]+) ms/.exec(run.stdout)?.[1]
  assert.equal(printed, store?.figures['sqlite.listP50Ms']?.toFixed(1))
})
