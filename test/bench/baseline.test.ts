/**
 * `npm run bench -- --baseline <ref>` against a real git repository made for the test: its
 * first commit's sections return other numbers than its second's, so the comparison can
 * only show the baseline's numbers if they came from the baseline's own checkout, run by
 * its own code. Then Ctrl-C-like stops (SIGTERM to the run, SIGKILL of the run) leave no
 * worktree and no process of the section behind.
 *
 *   node --import tsx --test test/bench/baseline.test.ts
 */
import assert from 'node:assert/strict'
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runAgainstBaseline } from '../../bench/baseline.ts'
import { benchWorktrees, sweepStaleTrees } from '../../bench/baseline-tree.ts'
import { markedProcesses } from '../support/processes.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BASELINE_TS = join(ROOT, 'bench', 'baseline.ts')

let repo: string

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true })
  writeFileSync(join(repo, file), text)
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()

// The section that sleeps writes its pid and its child's where the test can see them.
const slowSection = (pidFile: string) => `
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
export async function benchSlow() {
  const child = spawn('sleep', ['300'], { stdio: 'ignore' })
  writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify({ section: process.pid, sleep: child.pid }))
  await new Promise(() => setInterval(() => {}, 1000))
}
`

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'wps-bench-baseline-test-'))
  git('init', '--quiet', '--initial-branch=main')
  git('config', 'user.email', 'bench@test.invalid')
  git('config', 'user.name', 'bench test')
  write('.gitignore', 'node_modules\n')
  write('package.json', '{ "type": "module" }\n')
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'))
  // The baseline: sections by the old convention (bench/<name>.ts exporting bench<Name>).
  write(
    'bench/echo.ts',
    "export async function benchEcho() { console.log('echo from the old tree'); return { tree: 1, nested: { only: 5 }, same: 10 } }\n",
  )
  write(
    'bench/breaks.ts',
    "export async function benchBreaks() { throw new Error('the old breaks section breaks') }\n",
  )
  write('bench/slow.ts', slowSection(join(repo, 'slow-pids.json')))
  git('add', '.')
  git('commit', '--quiet', '-m', 'old')
  // This tree: a map of sections, another number, a key of its own, a section the old tree lacks.
  write('bench/echo.ts', 'export async function benchEcho() { return { tree: 2, onlyHere: 7, same: 10 } }\n')
  write('bench/breaks.ts', 'export async function benchBreaks() { return { fine: 1 } }\n')
  write('bench/fresh.ts', 'export async function benchFresh() { return 3 }\n')
  write('bench/slow.ts', 'export async function benchSlow() { return { quick: 1 } }\n')
  write(
    'bench/sections.ts',
    `export const SECTIONS = {
  echo: () => import('./echo.ts').then((m) => m.benchEcho()),
  breaks: () => import('./breaks.ts').then((m) => m.benchBreaks()),
  fresh: () => import('./fresh.ts').then((m) => m.benchFresh()),
  slow: () => import('./slow.ts').then((m) => m.benchSlow()),
}
`,
  )
  git('add', '.')
  git('commit', '--quiet', '-m', 'new')
})

after(() => {
  rmSync(repo, { recursive: true, force: true })
})

function worktreeDirs(): string[] {
  return git('worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
}

test('each section runs in this tree, then in the baseline tree with its own code, and the worktree is removed', async () => {
  const lines: string[] = []
  const run = await runAgainstBaseline({
    root: repo,
    ref: 'HEAD~1',
    sections: ['echo', 'fresh', 'breaks'],
    write: (line) => lines.push(line),
  })
  const output = lines.join('\n')
  assert.equal(run.commit, git('rev-parse', 'HEAD~1'))
  const [echo, fresh, breaks] = run.sections
  assert.equal(echo?.current.status, 'ok')
  assert.equal(echo?.baseline.status, 'ok')
  if (echo?.current.status !== 'ok' || echo.baseline.status !== 'ok') return
  assert.deepEqual(echo.current.figures, { tree: 2, onlyHere: 7, same: 10 })
  // nested figures come back as dotted keys
  assert.deepEqual(echo.baseline.figures, { tree: 1, 'nested.only': 5, same: 10 })
  // what the old section printed, marked as the baseline's
  assert.match(output, /^\[HEAD~1\] echo from the old tree$/m)

  // the table: key, this tree, the baseline, the change; "—" where a side has no such key
  assert.match(output, /^echo: this tree vs HEAD~1 \([0-9a-f]{7}\)$/m)
  assert.match(output, /^ {2}tree +2 +1 +\+100\.0%$/m)
  assert.match(output, /^ {2}same +10 +10 +0\.0%$/m)
  assert.match(output, /^ {2}onlyHere +7 +— +—$/m)
  assert.match(output, /^ {2}nested\.only +— +5 +—$/m)

  // a section the baseline does not have
  assert.equal(fresh?.current.status, 'ok')
  assert.equal(fresh?.baseline.status, 'missing')
  assert.match(output, /^ {2}value +3 +— +—$/m)
  assert.match(output, /HEAD~1 \([0-9a-f]{7}\) has no such section \(no bench\/fresh\.ts\)/)

  // a baseline section that breaks is reported, and the run goes on
  assert.equal(breaks?.current.status, 'ok')
  assert.equal(breaks?.baseline.status, 'broken')
  assert.match(output, /HEAD~1 \([0-9a-f]{7}\)'s section broke: .*the old breaks section breaks/)
  assert.match(output, /^ {2}fine +1 +— +—$/m)

  const checkedOut = /checked out in (\S+)/.exec(output)?.[1]
  assert.ok(checkedOut, output)
  assert.equal(existsSync(checkedOut), false, 'the worktree folder is removed')
  assert.deepEqual(worktreeDirs(), [execFileSync('realpath', [repo], { encoding: 'utf8' }).trim()])
})

test('a ref that names no commit is refused before anything runs', async () => {
  await assert.rejects(
    runAgainstBaseline({ root: repo, ref: 'no-such-branch', sections: ['echo'], write: () => {} }),
    /--baseline no-such-branch: not a commit/,
  )
  assert.equal(worktreeDirs().length, 1)
})

/** A run of the machinery in a process of its own, marked so all it starts can be found. */
function startRun(marker: string): { child: ChildProcess; output: () => string } {
  const script = join(repo, 'run-baseline.ts')
  writeFileSync(
    script,
    `import { runAgainstBaseline } from ${JSON.stringify(BASELINE_TS)}\nawait runAgainstBaseline({ root: ${JSON.stringify(repo)}, ref: 'HEAD~1', sections: ['slow'] })\n`,
  )
  let output = ''
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repo,
    env: { ...process.env, WPS_BENCH_TEST_MARK: marker },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  return { child, output: () => output }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const readPids = (file: string): { section: number; sleep: number } | undefined =>
  existsSync(file) && readFileSync(file, 'utf8').endsWith('}')
    ? JSON.parse(readFileSync(file, 'utf8'))
    : undefined

test('SIGTERM while the baseline section runs: its processes end, the worktree goes, exit 143', async () => {
  const pidFile = join(repo, 'slow-pids.json')
  rmSync(pidFile, { force: true })
  const marker = `term-${process.pid}-${Date.now()}`
  const { child, output } = startRun(marker)
  const pids = await until('the baseline section to start', () => readPids(pidFile))
  assert.ok(alive(pids.section) && alive(pids.sleep))
  assert.equal(benchWorktrees(repo).length, 1)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  assert.equal(await exited, 143, output())
  assert.match(output(), /SIGTERM: stopping the running section/)
  assert.deepEqual(benchWorktrees(repo), [])
  assert.equal(worktreeDirs().length, 1)
  assert.deepEqual(
    markedProcesses('WPS_BENCH_TEST_MARK', marker).map((p) => p.command),
    [],
    'nothing the run started is left',
  )
})

test('SIGKILL of the run: the section stops with it, and the next run removes the worktree left behind', async () => {
  const pidFile = join(repo, 'slow-pids.json')
  rmSync(pidFile, { force: true })
  const marker = `kill-${process.pid}-${Date.now()}`
  const { child } = startRun(marker)
  await until('the baseline section to start', () => readPids(pidFile))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  await exited
  // The section's process sees its stdin close and ends its group.
  await until('the section and its child to end', () =>
    markedProcesses('WPS_BENCH_TEST_MARK', marker).length === 0 ? true : undefined,
  )
  const left = benchWorktrees(repo)
  assert.equal(left.length, 1, 'a killed run cannot remove its worktree itself')
  assert.deepEqual(
    sweepStaleTrees(repo),
    left.map((tree) => tree.dir),
  )
  assert.deepEqual(benchWorktrees(repo), [])
  assert.equal(existsSync(left[0]?.dir ?? ''), false)
})
