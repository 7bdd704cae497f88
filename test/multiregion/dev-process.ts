/**
 * `wps dev` as a person starts it — one child process that starts nats-server and a node
 * per region — for end-to-end tests: ready once it prints its URL and every node lists
 * every region, then checked for anything it leaves behind after SIGTERM or kill -9.
 *
 *   const dev = await startDev(['ord', 'fra', 'syd'])
 *   await fetch(`${dev.url}/api/regions`)
 *   const before = dev.started()              // nats-server, nodes, runners, Chromium
 *   dev.child.kill('SIGKILL')
 *   const leftovers = await dev.leftovers(before, 10_000)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort } from '../cluster/nats-server.ts'
import { regionsOf, waitUntil } from '../support/api.ts'
import { freshDataDir } from '../support/data-dir.ts'
import { descendantsOf, isMarked, listProcesses, type ProcessInfo } from '../support/processes.ts'

const WPS_BIN = fileURLToPath(new URL('../../bin/wps.mjs', import.meta.url))
const MARK = 'WPS_DEV_TEST_MARK'

export interface DevCluster {
  url: string
  child: ChildProcess
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Alive now and started by it: its descendants, and whatever carries its marker. */
  started(): ProcessInfo[]
  /** Which of `seen` (or of the marked) are still alive after up to `graceMs`. */
  leftovers(seen: ProcessInfo[], graceMs: number): Promise<ProcessInfo[]>
  /** SIGTERM (SIGKILL after 20 s) and wait for it to exit. Idempotent. */
  stop(): Promise<void>
  output(): string
}

/** What `wps dev` starts: nats-server, nodes, runners and Chromium (by its profile dir). */
export function kindOf(info: ProcessInfo): 'nats' | 'node' | 'runner' | 'chromium' | 'other' {
  if (/nats-server/.test(info.command)) return 'nats'
  if (/wps\.mjs serve/.test(info.command)) return 'node'
  if (/wps\.mjs runner/.test(info.command)) return 'runner'
  if (/wps-chromium-/.test(info.command)) return 'chromium'
  return 'other'
}

export async function startDev(regions: string[], env: Record<string, string> = {}): Promise<DevCluster> {
  const port = await freePort()
  const marker = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`
  const child = spawn(
    process.execPath,
    [WPS_BIN, 'dev', '--regions', regions.join(','), '--port', String(port)],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        WPS_ALLOW_PRIVATE: '1',
        WPS_RATE_LIMIT_PER_MIN: '100000',
        WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
        WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
        WPS_POOL_IDLE_SHUTDOWN_MS: '20000',
        PUPPETEER_SKIP_DOWNLOAD: '1',
        WPS_DATA_DIR: freshDataDir('dev'),
        ...env,
        [MARK]: marker,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  process.once('exit', () => child.kill('SIGKILL'))
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000)
  }
  child.stderr?.on('data', keep)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )

  const alive = (seen: ProcessInfo[]) => {
    const known = new Map(seen.map((info) => [info.pid, info.command]))
    return listProcesses().filter(
      (info) =>
        info.pid !== child.pid && (known.get(info.pid) === info.command || isMarked(info, MARK, marker)),
    )
  }
  const dev: DevCluster = {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    started: () => {
      const found = new Map(descendantsOf(child.pid ?? -1).map((info) => [info.pid, info]))
      for (const info of alive([])) found.set(info.pid, info)
      return [...found.values()]
    },
    async leftovers(seen, graceMs) {
      const deadline = Date.now() + graceMs
      let left = alive(seen)
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        left = alive(seen)
      }
      return left
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    },
    output: () => log,
  }

  try {
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`wps dev did not serve within 60 s:\n${log}`)), 60_000)
      child.stdout?.on('data', (chunk: Buffer) => {
        keep(chunk)
        out += chunk.toString()
        if (/dev cluster serving http:\/\/\S+/.test(out)) {
          clearTimeout(timer)
          resolve()
        }
      })
      void exited.then(({ code, signal }) => {
        clearTimeout(timer)
        reject(new Error(`wps dev exited early (${code ?? signal}):\n${log}`))
      })
    })
    const wanted = [...regions].sort().join()
    await waitUntil(
      async () =>
        (await regionsOf(dev.url))
          .map((entry) => entry.region)
          .sort()
          .join() === wanted,
      10_000,
      `the dev cluster lists ${wanted}`,
    )
  } catch (error) {
    const seen = dev.started()
    await dev.stop()
    await dev.leftovers(seen, 5000)
    throw error
  }
  return dev
}
