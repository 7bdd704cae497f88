/**
 * Runs one bench section of the tree it is started in (its working directory), in a process
 * of its own, and writes what the section returned to a file as JSON. `--baseline` (baseline.ts)
 * starts it once in this tree and once in the baseline's worktree, each time with that tree's
 * own TypeScript loader setup, so each side runs its own code and nothing of the other's:
 *
 *   cd /tmp/wps-bench-baseline-…  &&  node --import tsx /repo/bench/section-child.ts store /tmp/out.json
 *   # the store section prints its lines; /tmp/out.json:
 *   # {"status":"ok","figures":{"sqlite.listP50Ms":1.1,…},"seconds":41.2}
 *
 * The section is found in that tree's bench/sections.ts (SECTIONS) or, in a tree from before
 * that map, by the convention it followed: bench/<name>.ts exporting bench<Name>. A tree that
 * has neither gets `{"status":"missing"}`; a section that throws gets `{"status":"broken"}`
 * with the error. Besides Node's own modules it imports only figures.ts, which imports
 * nothing: no code of this tree's app joins the baseline's run.
 *
 * It must not outlive whoever started it: when its stdin closes (the parent is gone, even
 * killed with SIGKILL) it stops its process group, which is its own (the parent starts it
 * detached), as it does on SIGTERM, SIGINT and SIGHUP: the section's own exit hooks then end
 * any browser it started.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { flattenFigures } from './figures.ts'

type Result =
  | { status: 'ok'; figures: Record<string, number | null>; seconds: number }
  | { status: 'missing'; reason: string }
  | { status: 'broken'; error: string; seconds: number }

const pascal = (name: string): string =>
  name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('')

async function findSection(root: string, name: string): Promise<(() => Promise<unknown>) | string> {
  const map = join(root, 'bench', 'sections.ts')
  if (existsSync(map)) {
    const mod: unknown = await import(pathToFileURL(map).href)
    const sections = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'SECTIONS') : undefined
    if (typeof sections !== 'object' || sections === null) return 'bench/sections.ts exports no SECTIONS'
    const run: unknown = Reflect.get(sections, name)
    if (typeof run !== 'function') return `no section ${name} in its bench/sections.ts`
    return () => Promise.resolve(run())
  }
  const file = join(root, 'bench', `${name}.ts`)
  if (!existsSync(file)) return `no bench/${name}.ts`
  const mod: unknown = await import(pathToFileURL(file).href)
  const exported = `bench${pascal(name)}`
  const run: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, exported) : undefined
  if (typeof run !== 'function') return `bench/${name}.ts exports no ${exported}`
  return () => Promise.resolve(run())
}

let stopping = false
function stop(signal: NodeJS.Signals): void {
  if (stopping) return
  stopping = true
  // The whole group: servers the section started (not detached) get the signal too. Then exit,
  // which runs the section's exit hooks (they end the browsers it launched in groups of their own).
  try {
    process.kill(-process.pid, 'SIGTERM')
  } catch {
    // not a group leader (started by hand, not detached): only this process stops
  }
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 3000)
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(signal))
// The parent holds our stdin open for as long as it lives.
process.stdin.on('end', () => stop('SIGHUP'))
process.stdin.on('error', () => stop('SIGHUP'))
process.stdin.resume()

const [name, out] = process.argv.slice(2)
if (!name || !out) {
  console.error(
    'usage: node --import tsx bench/section-child.ts <section> <result.json>   (in the tree to run)',
  )
  process.exit(2)
}
const started = performance.now()
let result: Result
try {
  const run = await findSection(process.cwd(), name)
  if (typeof run === 'string') result = { status: 'missing', reason: run }
  else {
    const figures = flattenFigures(await run())
    result = { status: 'ok', figures, seconds: (performance.now() - started) / 1000 }
  }
} catch (error) {
  console.error(`bench section ${name} broke:`, error)
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  result = { status: 'broken', error: text, seconds: (performance.now() - started) / 1000 }
}
writeFileSync(out, `${JSON.stringify(result)}\n`)
// A section may leave a timer or handle behind; its result is written, so end here.
process.exit(result.status === 'broken' ? 1 : 0)
