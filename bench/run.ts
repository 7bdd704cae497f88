/**
 * `npm run bench`: every benchmark, each printing its figures and ratios. Targets live
 * here, not in timed tests, because a noisy 2-core machine makes timing assertions flaky.
 * Pass section names to run some: `npm run bench -- overhead`.
 *
 *   npm run bench -- --baseline main store     store as this tree has it, then as main has it
 *                                              (a temporary worktree, baseline.ts), and a table:
 *                                              figure, this tree, main, change in %
 *   npm run bench -- --json run.json           every figure also written to run.json, by section
 *
 * The sections are in sections.ts; what each returns is flattened into its figures (figures.ts).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseBenchArgs } from './args.ts'
import { type BaselineRun, runAgainstBaseline } from './baseline.ts'
import type { SectionOutcome } from './compare.ts'
import { flattenFigures } from './figures.ts'
import { SECTIONS } from './sections.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

let args: ReturnType<typeof parseBenchArgs>
try {
  args = parseBenchArgs(process.argv.slice(2), Object.keys(SECTIONS))
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
const chosen = args.sections.length > 0 ? args.sections : Object.keys(SECTIONS)
// A missed target is a figure, not a failure: only a section that breaks fails the run,
// and the sections after it still run.
const broken: string[] = []
const startedAt = new Date().toISOString()
const loadAtStart = loadavg()
console.log(
  `load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`,
)

const outcomes: Record<string, SectionOutcome> = {}
let baseline: BaselineRun | undefined
if (args.baseline !== undefined) {
  try {
    baseline = await runAgainstBaseline({ root: ROOT, ref: args.baseline, sections: chosen })
  } catch (error) {
    // before any section ran: a ref that is no commit, a worktree git would not make
    console.error((error as Error).message)
    process.exit(2)
  }
  for (const { name, current } of baseline.sections) {
    outcomes[name] = current
    if (current.status !== 'ok') broken.push(name)
  }
} else {
  for (const name of chosen) {
    const started = performance.now()
    try {
      const figures = flattenFigures(await SECTIONS[name]?.())
      outcomes[name] = { status: 'ok', figures, seconds: (performance.now() - started) / 1000 }
    } catch (error) {
      broken.push(name)
      console.error(`\nbench section ${name} broke:`, error)
      outcomes[name] = {
        status: 'broken',
        error: String(error),
        seconds: (performance.now() - started) / 1000,
      }
    }
    console.log(
      `(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(2)})`,
    )
  }
}

if (args.json !== undefined) {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  // figures of a tree with uncommitted changes are not the commit's
  const uncommittedChanges =
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim() !== ''
  const file = {
    startedAt,
    commit,
    uncommittedChanges,
    cores: cpus().length,
    loadAverageAtStart: loadAtStart,
    sections: outcomes,
    ...(baseline && {
      baseline: {
        ref: baseline.ref,
        commit: baseline.commit,
        ...(baseline.unprepared && { unprepared: baseline.unprepared }),
        sections: Object.fromEntries(baseline.sections.map((pair) => [pair.name, pair.baseline])),
      },
    }),
  }
  mkdirSync(dirname(args.json), { recursive: true })
  writeFileSync(args.json, `${JSON.stringify(file, null, 2)}\n`)
  console.log(`figures written to ${args.json}`)
}
if (broken.length > 0) {
  console.error(`broken bench sections: ${broken.join(', ')}`)
  process.exit(1)
}
