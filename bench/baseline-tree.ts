/**
 * The baseline's own checkout for `npm run bench -- --baseline <ref>`: a detached git worktree
 * of that commit in a temporary folder, made runnable without the network, then removed.
 *
 *   const tree = openBaselineTree(root, 'main')   // /tmp/wps-bench-baseline-<pid>-XXXX at main's commit
 *   prepareBaselineTree(tree, log)                // node_modules linked, dist/app built, web/dist present
 *   …run the baseline's sections with cwd = tree.dir…
 *   closeBaselineTree(tree)                       // worktree removed and pruned
 *
 * Runnable without the network: its node_modules is a folder of links to this checkout's
 * packages (a workspace link, such as @world-page-speed/flame → ../../src/flame, is made anew
 * so it points at the baseline's own sources); its compiled build (dist/app/) is made by its
 * own `node scripts/build.mjs`, so `wps` there runs the baseline's code; its web/dist is this
 * checkout's when web/ is the same at both, else built by vite in the baseline.
 *
 * No orphan worktrees: the folder's name carries the pid of the run that made it, and each
 * run first removes the worktrees of runs that are gone (one killed with SIGKILL cannot clean
 * up after itself).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

const PREFIX = 'wps-bench-baseline-'

export interface BaselineTree {
  /** this checkout's root, whose git repository holds the worktree */
  root: string
  /** the ref as given (`main`) and the commit it names */
  ref: string
  commit: string
  /** the worktree's folder */
  dir: string
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

/** The commit a ref names, or an error that says what was wrong with it. */
export function resolveCommit(root: string, ref: string): string {
  const found = spawnSync(
    'git',
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  if (found.status !== 0 || !/^[0-9a-f]{40}$/.test(found.stdout.trim()))
    throw new Error(`--baseline ${ref}: not a commit in ${root} (try a branch, a tag or a commit hash)`)
  return found.stdout.trim()
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Worktree folders of this repository that a bench run made, with the pid of that run. */
export function benchWorktrees(root: string): { dir: string; pid: number }[] {
  const list = git(root, ['worktree', 'list', '--porcelain'])
  const found: { dir: string; pid: number }[] = []
  for (const line of list.split('\n')) {
    if (!line.startsWith('worktree ')) continue
    const dir = line.slice('worktree '.length)
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(basename(dir))
    if (match) found.push({ dir, pid: Number(match[1]) })
  }
  return found
}

/** Removes the worktrees of bench runs that are no longer running. */
export function sweepStaleTrees(root: string): string[] {
  const swept: string[] = []
  for (const { dir, pid } of benchWorktrees(root)) {
    if (pid === process.pid || alive(pid)) continue
    removeTree(root, dir)
    swept.push(dir)
  }
  git(root, ['worktree', 'prune'])
  return swept
}

function removeTree(root: string, dir: string): void {
  // The links first, on their own: nothing below may ever follow one into this checkout's node_modules.
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true })
  spawnSync('git', ['worktree', 'remove', '--force', '--force', dir], { cwd: root, stdio: 'ignore' })
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  spawnSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' })
}

/** Checks the ref out, detached, into a new temporary folder. */
export function openBaselineTree(root: string, ref: string): BaselineTree {
  const commit = resolveCommit(root, ref)
  sweepStaleTrees(root)
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`))
  try {
    git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit])
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`could not check ${ref} out into a worktree: ${(error as Error).message}`)
  }
  return { root, ref, commit, dir }
}

export function closeBaselineTree(tree: BaselineTree): void {
  removeTree(tree.root, tree.dir)
}

function linkEntry(from: string, to: string): void {
  // A link is copied as it is: a relative one is a workspace of the checkout (../../src/flame),
  // which in the baseline then points at the baseline's own copy.
  if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to)
  else symlinkSync(from, to)
}

/** The baseline's node_modules: a link to each of this checkout's packages. */
function linkNodeModules(tree: BaselineTree): void {
  const source = join(tree.root, 'node_modules')
  if (!existsSync(source)) throw new Error(`${source} is missing: run npm run setup first`)
  const target = join(tree.dir, 'node_modules')
  mkdirSync(target)
  for (const entry of readdirSync(source)) {
    // caches that tools write into: the baseline keeps its own
    if (entry === '.vite' || entry === '.cache') continue
    const from = join(source, entry)
    if (entry.startsWith('@') && lstatSync(from).isDirectory()) {
      mkdirSync(join(target, entry))
      for (const scoped of readdirSync(from)) linkEntry(join(from, scoped), join(target, entry, scoped))
    } else linkEntry(from, join(target, entry))
  }
}

const sameAt = (tree: BaselineTree, path: string): boolean =>
  spawnSync('git', ['diff', '--quiet', tree.commit, '--', path], { cwd: tree.root }).status === 0

function run(tree: BaselineTree, what: string, args: string[]): void {
  const done = spawnSync(process.execPath, args, { cwd: tree.dir, stdio: ['ignore', 'inherit', 'inherit'] })
  if (done.status !== 0)
    throw new Error(`${what} failed in the baseline (${done.signal ?? `exit ${done.status}`})`)
}

/** Makes the checked-out tree runnable offline; `log` gets one line per step. */
export function prepareBaselineTree(tree: BaselineTree, log: (line: string) => void): void {
  linkNodeModules(tree)
  if (!sameAt(tree, 'package-lock.json'))
    log(
      `note: ${tree.ref}'s package-lock.json differs from this tree's; it runs with this tree's node_modules`,
    )
  if (existsSync(join(tree.dir, 'scripts', 'build.mjs'))) {
    const started = performance.now()
    run(tree, 'node scripts/build.mjs', ['scripts/build.mjs'])
    log(`built ${tree.ref}'s dist/app in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  if (existsSync(join(tree.dir, 'web'))) {
    const built = join(tree.root, 'web', 'dist')
    if (sameAt(tree, 'web') && existsSync(join(built, 'index.html'))) {
      cpSync(built, join(tree.dir, 'web', 'dist'), { recursive: true })
      log(`${tree.ref}'s web/ is this tree's: web/dist copied`)
    } else {
      const vite = join(tree.root, 'node_modules', 'vite', 'bin', 'vite.js')
      const started = performance.now()
      run(tree, 'vite build web', [vite, 'build', 'web', '--logLevel', 'warn'])
      log(`built ${tree.ref}'s web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
  }
}
