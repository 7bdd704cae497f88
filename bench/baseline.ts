/**
 * `npm run bench -- --baseline <git-ref> [sections...]`: each chosen section as this tree has
 * it, then right after it as the ref has it, on the same machine in the same run, and a table
 * of the two sides' figures per section.
 *
 *   const run = await runAgainstBaseline({ root, ref: 'main', sections: ['store'] })
 *   // prints store's lines (this tree), then main's (prefixed "[main] "), then:
 *   // store: this tree vs main (1a2b3c4)
 *   //   figure                 this tree    main   change
 *   //   sqlite.listP50Ms            1.12    1.31   -14.5%
 *   run.sections[0].baseline.status   // 'ok' | 'missing' | 'broken'
 *
 * Interleaved, section by section, so both sides of a figure see the same machine state (a
 * load average that climbs during the run weighs on both, not on one). Each side runs in a
 * process of its own (section-child.ts) started in its own tree: the baseline's code is its
 * worktree's (baseline-tree.ts), loaded through its own tsconfig, and neither side carries the
 * modules or memory of the sections before it.
 *
 * A baseline section that is missing or breaks is reported in its table, never fatal: only
 * this tree's sections decide the exit code (run.ts). Ctrl-C, SIGTERM or SIGHUP stops the
 * running side (which passes SIGTERM on to its process group), waits up to 15 s for that group
 * to end, kills what is left of it, removes the worktree and exits 128 + the signal's number;
 * a second signal does not wait.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { constants, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type BaselineTree,
  closeBaselineTree,
  openBaselineTree,
  prepareBaselineTree,
} from './baseline-tree.ts'
import { comparisonTable, type SectionOutcome } from './compare.ts'
import { parseFigures } from './figures.ts'

const CHILD = fileURLToPath(new URL('./section-child.ts', import.meta.url))
/** How long the running side may take to stop after a signal before its group is killed. */
const STOP_GRACE_MS = 15_000

function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

export interface BaselineRunOptions {
  /** this checkout's root: the current side runs here, and its git repository holds the ref */
  root: string
  ref: string
  sections: string[]
  /** where progress and tables go (console.log) */
  write?: (line: string) => void
}

export interface SectionPair {
  name: string
  current: SectionOutcome
  baseline: SectionOutcome
}

export interface BaselineRun {
  ref: string
  commit: string
  /** why the baseline could not be prepared; its sections were then not run */
  unprepared?: string
  sections: SectionPair[]
}

/** What section-child.ts wrote; anything else (nothing, half a file, another shape) is a broken side. */
function readOutcome(file: string, exit: string): SectionOutcome {
  if (!existsSync(file))
    return { status: 'broken', error: `the section's process ended (${exit}) before it wrote figures` }
  try {
    return parseOutcome(JSON.parse(readFileSync(file, 'utf8')), file)
  } catch (error) {
    return { status: 'broken', error: `its result (${exit}) is unreadable: ${(error as Error).message}` }
  }
}

function parseOutcome(parsed: unknown, file: string): SectionOutcome {
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file}: not a result object`)
  const status: unknown = Reflect.get(parsed, 'status')
  const seconds: unknown = Reflect.get(parsed, 'seconds')
  const secs = typeof seconds === 'number' ? { seconds } : {}
  if (status === 'ok') return { status, figures: parseFigures(Reflect.get(parsed, 'figures'), file), ...secs }
  if (status === 'missing') return { status, reason: String(Reflect.get(parsed, 'reason')) }
  if (status === 'broken') return { status, error: String(Reflect.get(parsed, 'error')), ...secs }
  throw new Error(`${file}: unknown status ${String(status)}`)
}

/** Pipes a child's output to `write`, a line at a time, each with `prefix`. */
function prefixLines(
  stream: NodeJS.ReadableStream,
  prefix: string,
  write: (line: string) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let pending = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) write(`${prefix}${line}`)
    })
    stream.on('end', () => {
      if (pending) write(`${prefix}${pending}`)
      resolve()
    })
  })
}

export async function runAgainstBaseline(options: BaselineRunOptions): Promise<BaselineRun> {
  const write = options.write ?? ((line: string) => console.log(line))
  const tree: BaselineTree = openBaselineTree(options.root, options.ref)
  const label = options.ref
  const results = mkdtempSync(join(tmpdir(), 'wps-bench-results-'))
  let running: ChildProcess | undefined
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    closeBaselineTree(tree)
    rmSync(results, { recursive: true, force: true })
  }
  // The worktree goes also when the run ends otherwise (an exception, process.exit).
  process.once('exit', close)

  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    const child = running
    const code = 128 + (constants.signals[signal] ?? 0)
    const killGroup = (how: NodeJS.Signals) => {
      if (child?.pid === undefined) return
      try {
        process.kill(-child.pid, how)
      } catch {
        // the group is gone
      }
    }
    if (stopping || child === undefined || child.exitCode !== null || child.signalCode !== null) {
      killGroup('SIGKILL')
      close()
      process.exit(code)
    }
    stopping = true
    write(`\n${signal}: stopping the running section, then removing the baseline's worktree`)
    // The section's process alone: it passes SIGTERM on to its group once (a server that got it
    // twice would stop without tidying up), then exits, which ends the browsers it launched.
    try {
      process.kill(child.pid ?? 0, 'SIGTERM')
    } catch {
      // already gone
    }
    const deadline = Date.now() + STOP_GRACE_MS
    const finish = () => {
      killGroup('SIGKILL')
      close()
      process.exit(code)
    }
    // Once it has exited, what it started in its group may still be stopping: give that the rest of the grace.
    const waitForGroup = () => {
      if (Date.now() > deadline || !groupAlive(child.pid)) finish()
      else setTimeout(waitForGroup, 100)
    }
    setTimeout(finish, STOP_GRACE_MS)
    child.once('exit', waitForGroup)
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const signal of signals) process.on(signal, onSignal)

  const side = async (name: string, dir: string, which: 'current' | 'baseline'): Promise<SectionOutcome> => {
    const out = join(results, `${which}-${name}.json`)
    const started = performance.now()
    // Detached: the section and what it starts form a group of their own, which a signal ends as a whole.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, name, out], {
      cwd: dir,
      detached: true,
      stdio: ['pipe', which === 'current' ? 'inherit' : 'pipe', which === 'current' ? 'inherit' : 'pipe'],
    })
    running = child
    const piped =
      which === 'baseline' && child.stdout && child.stderr
        ? Promise.all([
            prefixLines(child.stdout, `[${label}] `, write),
            prefixLines(child.stderr, `[${label}] `, write),
          ])
        : Promise.resolve()
    const exit = await new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`could not start: ${error.message}`))
      child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`))
    })
    await piped
    running = undefined
    const outcome = readOutcome(out, exit)
    const who = which === 'current' ? name : `${name} @ ${label}`
    write(
      `(${who}: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(2)})`,
    )
    return outcome
  }

  const run: BaselineRun = { ref: options.ref, commit: tree.commit, sections: [] }
  try {
    write(`baseline: ${label} = ${tree.commit.slice(0, 12)}, checked out in ${tree.dir}`)
    try {
      prepareBaselineTree(tree, (line) => write(`baseline: ${line}`))
    } catch (error) {
      run.unprepared = (error as Error).message
      write(`baseline: could not be prepared, so only this tree's sections run: ${run.unprepared}`)
    }
    for (const name of options.sections) {
      const current = await side(name, options.root, 'current')
      const baseline: SectionOutcome = run.unprepared
        ? { status: 'broken', error: `not prepared: ${run.unprepared}` }
        : await side(name, tree.dir, 'baseline')
      run.sections.push({ name, current, baseline })
      write('')
      for (const line of comparisonTable(name, current, baseline, `${label} (${tree.commit.slice(0, 7)})`))
        write(line)
    }
  } finally {
    for (const signal of signals) process.off(signal, onSignal)
    process.off('exit', close)
    close()
  }
  return run
}
