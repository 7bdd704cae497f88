/**
 * The real `wps serve` as a child process on a free loopback port, for end-to-end
 * tests: started the way a person starts it, stopped with SIGTERM, and checked for
 * anything it leaves behind.
 *
 *   const server = await startWpsServer({ WPS_ALLOW_PRIVATE: '1' })
 *   await fetch(`${server.url}/healthz`)
 *   const leftovers = await server.stop()     // processes it started that are still alive
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../src/cli/ports.ts'
import { freshDataDir } from './data-dir.ts'
import { descendantsOf, isMarked, listProcesses, markedProcesses, type ProcessInfo } from './processes.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MARK = 'WPS_E2E_MARK'

export interface WpsServer {
  url: string
  child: ChildProcess
  /** Everything the server has started so far that is alive now (runners, Chromium…). */
  started(): ProcessInfo[]
  /** SIGTERM, wait for exit, then give its descendants `graceMs` to end; returns the ones still alive. */
  stop(
    graceMs?: number,
  ): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; leftovers: ProcessInfo[] }>
  output(): string
}

export async function startWpsServer(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<WpsServer> {
  const port = await freePort()
  const marker = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`
  const child = spawn(process.execPath, ['bin/wps.mjs', 'serve', '--port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      PUPPETEER_SKIP_DOWNLOAD: '1',
      HOST: '127.0.0.1',
      WPS_DATA_DIR: freshDataDir('serve'),
      // Every fixture is on 127.0.0.1: the per-host limit would stop a test file's 11th test.
      WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
      WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
      ...env,
      [MARK]: marker,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const url = `http://127.0.0.1:${port}`

  const server: WpsServer = {
    url,
    child,
    // Both views are needed: a reparented orphan is no longer a descendant, and Chromium's
    // zygote children rewrite their argv/env area, so /proc no longer shows the marker.
    started: () => {
      const found = new Map(descendantsOf(child.pid ?? -1).map((info) => [info.pid, info]))
      for (const info of markedProcesses(MARK, marker)) if (info.pid !== child.pid) found.set(info.pid, info)
      return [...found.values()]
    },
    output: () => log,
    async stop(graceMs = 3000) {
      const known = new Map(server.started().map((info) => [info.pid, info]))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const [exitCode, signal] = await withTimeout(exited, 20_000, () => {
        child.kill('SIGKILL')
        return `wps serve did not exit within 20 s of SIGTERM\n${log}`
      })
      const deadline = Date.now() + graceMs
      let leftovers = alive(known)
      while (leftovers.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        leftovers = alive(known)
      }
      return { exitCode, signal, leftovers }
    },
  }

  // Alive now and either marked, or seen under the server before it stopped (same pid, same program).
  const alive = (known: Map<number, ProcessInfo>): ProcessInfo[] =>
    listProcesses().filter(
      (info) =>
        info.pid !== child.pid &&
        (known.get(info.pid)?.command === info.command || isMarked(info, MARK, marker)),
    )

  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wps serve exited early (${child.exitCode ?? child.signalCode}):\n${log}`)
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`wps serve was not healthy within ${timeoutMs} ms:\n${log}`)
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    )
    if (healthy) return server
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(onTimeout())), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
