/**
 * A real `nats-server` for tests: started on a free port on 127.0.0.1, ready when it
 * accepts connections, stopped (and restartable on the same port, to test
 * reconnects) on demand, and never left behind — it is killed when this process
 * exits, including on SIGTERM/SIGINT.
 *
 *   const nats = await startNatsServer()
 *   const cluster = await connectNatsCluster({ servers: nats.url, member })
 *   await nats.restart() // same port: clients reconnect
 *   await nats.stop()
 *
 * The binary is `NATS_SERVER_BIN`, else `nats-server` on PATH, else /usr/sbin/nats-server.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { freePort, waitForPort } from '../../src/cli/ports.ts'

export interface NatsServer {
  url: string
  port: number
  readonly pid: number | undefined
  /** The HTTP monitoring endpoint (`/varz`: message counters), when started with `monitor: true`. */
  monitorUrl: string | null
  stop(): Promise<void>
  /** Stop, then start again on the same port. */
  restart(): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHooksInstalled = false

export function natsServerBinary(): string {
  const fromEnv = process.env.NATS_SERVER_BIN
  if (fromEnv) return fromEnv
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' })
  const onPath = which.stdout.trim()
  if (which.status === 0 && onPath) return onPath
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server'
  throw new Error(
    'nats-server not found: install it (Debian/Ubuntu: `apt-get install nats-server`) or set NATS_SERVER_BIN',
  )
}

export { freePort }

export async function startNatsServer(
  options: { port?: number; monitor?: boolean } = {},
): Promise<NatsServer> {
  const binary = natsServerBinary()
  const port = options.port ?? (await freePort())
  const monitorPort = options.monitor ? await freePort() : null
  installExitHooks()
  let child = await launch(binary, port, monitorPort)
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorUrl: monitorPort === null ? null : `http://127.0.0.1:${monitorPort}`,
    get pid() {
      return child.pid
    },
    stop: () => terminate(child),
    async restart() {
      await terminate(child)
      child = await launch(binary, port, monitorPort)
    },
  }
}

async function launch(binary: string, port: number, monitorPort: number | null): Promise<ChildProcess> {
  const monitor = monitorPort === null ? [] : ['-m', String(monitorPort)]
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), ...monitor], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  running.add(child)
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code) => {
      running.delete(child)
      reject(new Error(`nats-server exited early (code ${code}):\n${log}`))
    })
    child.once('error', (error) =>
      reject(new Error(`could not start nats-server (${binary}): ${error.message}`)),
    )
  })
  exited.catch(() => {})
  await Promise.race([waitForPort(port, 10_000), exited])
  return child
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await gone
  clearTimeout(timer)
}

function installExitHooks(): void {
  if (exitHooksInstalled) return
  exitHooksInstalled = true
  const killAll = (): void => {
    for (const child of running) child.kill('SIGKILL')
  }
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll()
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
    })
  }
}
