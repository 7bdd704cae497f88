/**
 * A real PostgreSQL for tests: Debian's server binaries (`/usr/lib/postgresql/<v>/bin`,
 * not on PATH), a fresh cluster in a temporary folder, listening on a free loopback
 * port, with trust authentication for user `wps` and a database `wps`. As root it runs
 * as the `postgres` user (PostgreSQL refuses to run as root). It dies with this process
 * — a parent-death signal covers kill -9 of the test — and `stop()` removes its folder.
 *
 *   const pg = await startPostgres()
 *   process.env.DATABASE_URL = pg.url     // postgres://wps@127.0.0.1:PORT/wps
 *   await pg.createDatabase('other')       // → its URL
 *   await pg.stop()
 *
 * The binaries come from `PG_BIN`, else the newest /usr/lib/postgresql/<v>/bin
 * (`bash scripts/setup.sh --with-postgres` installs them).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitForPort } from '../../src/cli/ports.ts'

export interface Postgres {
  url: string
  port: number
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()

/** This checkout's tag in the server's folder name, so the suite's orphan check can tell ours apart. */
const CHECKOUT_TAG = createHash('sha1')
  .update(realpathSync(fileURLToPath(new URL('../..', import.meta.url))).replace(/\/$/, ''))
  .digest('hex')
  .slice(0, 8)
let exitHookInstalled = false

export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const newest = versions[0]
  if (!newest) {
    throw new Error(
      'PostgreSQL server binaries not found: run `bash scripts/setup.sh --with-postgres` (installs Debian’s postgresql) or set PG_BIN',
    )
  }
  return join(root, newest, 'bin')
}

/** As root, run PostgreSQL's programs as the `postgres` user; otherwise as ourselves. */
function asServerUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
  const uid = id('-u')
  const gid = id('-g')
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a `postgres` user')
  return { uid, gid }
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir()
  const user = asServerUser()
  const dir = mkdtempSync(join(tmpdir(), `wps-pg-${CHECKOUT_TAG}-`))
  const data = join(dir, 'data')
  if (user) chownSync(dir, user.uid, user.gid)
  const ids = user ? { uid: user.uid, gid: user.gid } : {}
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'wps', '-A', 'trust', '--locale=C.UTF-8', '-E', 'UTF8', '--no-sync'],
    { encoding: 'utf8', cwd: dir, ...ids },
  )
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed:\n${init.stderr}`)
  }
  const port = await freePort()
  // setpriv's parent-death signal: the server goes when this process goes, even on kill -9.
  const child = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      '--',
      join(bin, 'postgres'),
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=100',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...ids },
  )
  running.add(child)
  installExitHook()
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code) => {
      running.delete(child)
      reject(new Error(`postgres exited early (code ${code}):\n${log}`))
    })
  })
  exited.catch(() => {})
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGINT') // fast shutdown: ends the server's own processes too
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const url = (name: string) => `postgres://wps@127.0.0.1:${port}/${name}`
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
    const made = spawnSync(
      join(bin, 'createdb'),
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'wps', name],
      {
        encoding: 'utf8',
      },
    )
    if (made.status !== 0) throw new Error(`createdb ${name} failed:\n${made.stderr}`)
    return url(name)
  }
  try {
    await Promise.race([waitForPort(port, 20_000, 'postgres'), exited])
    // Listening is not ready: the server refuses connections while it is still starting up.
    await Promise.race([waitUntilReady(bin, port), exited])
    await createDatabase('wps')
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url: url('wps'),
    port,
    createDatabase,
    stop,
  }
}

async function waitUntilReady(bin: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const ready = spawnSync(join(bin, 'pg_isready'), [
      '-q',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'wps',
    ])
    if (ready.status === 0) return
    if (Date.now() > deadline) throw new Error(`postgres on port ${port} was not ready within 20 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}
