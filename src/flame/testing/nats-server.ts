/**
 * A real `nats-server` for the library's own tests (the kit stays free of the app):
 * started on a free port on 127.0.0.1, ready when it accepts connections, and killed
 * when this process exits, also on SIGTERM/SIGINT.
 *
 *   const nats = await startNats()
 *   const link = await NatsLink.listen({ servers: nats.url })
 *   await nats.stop()
 *
 * The binary is `NATS_SERVER_BIN`, else `nats-server` on PATH, else /usr/sbin/nats-server.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'

export interface TestNats {
  url: string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
let hooked = false

function binary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' })
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim()
  if (existsSync('/usr/sbin/nats-server')) return '/usr/sbin/nats-server'
  throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export async function startNats(): Promise<TestNats> {
  if (!hooked) {
    hooked = true
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
  const port = await freePort()
  const child = spawn(binary(), ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const until = performance.now() + 10_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited early (code ${child.exitCode})`)
    if (performance.now() > until) throw new Error('nats-server did not start within 10 s')
    await new Promise((r) => setTimeout(r, 20))
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await gone
    },
  }
}
