/**
 * A fake Fly.io Machines API for tests: the real wire format, the real runner.
 *
 * It answers what a pool's FlyBackend calls — `POST/GET /v1/apps/{app}/machines`,
 * `GET …/{id}`, `GET …/{id}/wait?state=`, `POST …/{id}/stop`, `DELETE …/{id}?force=true`
 * — with machine objects (`id`, `name`, `state`, `region`, `private_ip`,
 * `instance_id`, `config`, `created_at`), errors as `{"error": "…"}`, a bearer token
 * check, and Fly's rate limit (about 1 request/s, burst 3, per action → 429). A created
 * machine "boots" by running `config.init.cmd` in the app root with exactly
 * `config.env` plus `PATH` and `HOME` and a temp folder of its own — no IPC, nothing
 * else inherited — so the runner must find its parent over the network, as on Fly.
 * When that process exits the machine stops, and with `auto_destroy` is destroyed.
 *
 *   const fly = await startFakeFly({ app: 'wps', token: 'secret', appRoot: process.cwd() })
 *   fly.failCreates(412, 2)      // the next two creates find no capacity
 *   fly.boot = 'never'           // machines start but never run their command
 *   fly.kill(machineId)          // kill -9 the machine's process
 *   fly.machines()               // every machine ever created, with its state
 *   await fly.close()            // kills whatever still runs
 */

import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FakeMachine {
  id: string
  name: string
  state: 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'destroying' | 'destroyed'
  region: string
  private_ip: string
  instance_id: string
  config: {
    image: string
    init: { cmd: string[] }
    guest: { cpu_kind: string; cpus: number; memory_mb: number }
    auto_destroy: boolean
    restart: { policy: string }
    env: Record<string, string>
    metadata: Record<string, string>
  }
  created_at: string
  updated_at: string
}

export interface FakeFlyOptions {
  app: string
  token: string
  /** Where `config.init.cmd` runs (the image's working directory). */
  appRoot: string
  /** Requests per second per action, and the burst. Default 1 and 3, as Fly. */
  ratePerSecond?: number
  burst?: number
  /** Where booted machines' stderr goes. Default: kept (see `stderrOf`). */
  stderr?: 'inherit' | 'keep'
}

export interface FakeFly {
  url: string
  /** `run`: a machine runs its command; `never`: it starts but never does (a runner that never connects). */
  boot: 'run' | 'never'
  machines(): FakeMachine[]
  /** Every request: method, path (with query), status, and when it was answered (`performance.now()`). */
  readonly requests: { method: string; path: string; status: number; at: number }[]
  failCreates(status: number, times: number, error?: string): void
  kill(id: string): boolean
  pidOf(id: string): number | undefined
  stderrOf(id: string): string
  close(): Promise<void>
}

interface Bucket {
  tokens: number
  at: number
}

export async function startFakeFly(options: FakeFlyOptions): Promise<FakeFly> {
  const machines = new Map<string, FakeMachine>()
  const processes = new Map<string, ChildProcess>()
  const stderr = new Map<string, string>()
  const buckets = new Map<string, Bucket>()
  const requests: FakeFly['requests'] = []
  const failures: { status: number; error: string }[] = []
  const rate = options.ratePerSecond ?? 1
  const burst = options.burst ?? 3
  let ipSeq = 0

  const now = (): string => new Date().toISOString()
  const setState = (m: FakeMachine, state: FakeMachine['state']): void => {
    m.state = state
    m.updated_at = now()
  }

  const allow = (action: string): boolean => {
    const t = performance.now()
    const b = buckets.get(action) ?? { tokens: burst, at: t }
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate)
    b.at = t
    buckets.set(action, b)
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  const run = (m: FakeMachine): void => {
    const [command, ...args] = m.config.init.cmd
    if (!command) return
    const tmp = mkdtempSync(join(tmpdir(), `fake-fly-${m.id}-`))
    const env: Record<string, string> = { ...m.config.env, TMPDIR: tmp }
    for (const name of ['PATH', 'HOME'] as const) {
      const value = process.env[name]
      if (value !== undefined) env[name] = value
    }
    const child = spawn(command, args, {
      cwd: options.appRoot,
      env,
      stdio: ['ignore', 'ignore', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
    })
    processes.set(m.id, child)
    child.stderr?.on('data', (d: Buffer) => {
      stderr.set(m.id, ((stderr.get(m.id) ?? '') + d.toString()).slice(-20_000))
    })
    child.once('error', () => {})
    child.once('exit', () => {
      processes.delete(m.id)
      rmSync(tmp, { recursive: true, force: true })
      if (m.state === 'destroyed') return
      setState(m, m.config.auto_destroy ? 'destroyed' : 'stopped')
    })
    setState(m, 'started')
  }

  const kill = (id: string, signal: NodeJS.Signals): Promise<void> => {
    const child = processes.get(id)
    if (!child) return Promise.resolve()
    const gone = new Promise<void>((r) => child.once('exit', () => r()))
    child.kill(signal)
    return gone
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const send = (status: number, body: unknown): number => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
      return status
    }
    const url = new URL(req.url ?? '/', 'http://fake')
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { error: 'unauthorized' })
    const m = /^\/v1\/apps\/([^/]+)\/machines(?:\/([^/]+))?(?:\/(wait|stop))?$/.exec(url.pathname)
    if (!m) return send(404, { error: 'not found' })
    const [, app, id, verb] = m
    if (app !== options.app) return send(404, { error: `app ${app} not found` })
    const action = `${req.method} ${id ? (verb ?? 'machine') : 'machines'}`
    if (!allow(action)) {
      res.setHeader('retry-after', '1')
      return send(429, { error: 'rate limit exceeded' })
    }
    if (!id) {
      if (req.method === 'GET') {
        return send(
          200,
          [...machines.values()].filter((x) => x.state !== 'destroyed'),
        )
      }
      if (req.method !== 'POST') return send(405, { error: 'method not allowed' })
      const body = await readJson(req)
      const checked = checkCreate(body)
      if (typeof checked === 'string') return send(400, { error: checked })
      const failure = failures.shift()
      if (failure) return send(failure.status, { error: failure.error })
      const machine: FakeMachine = {
        id: randomBytes(7).toString('hex'),
        name: checked.name,
        state: 'created',
        region: checked.region,
        private_ip: `fdaa:0:1:a7b:${(++ipSeq).toString(16)}::2`,
        instance_id: randomBytes(13).toString('hex').toUpperCase(),
        config: checked.config,
        created_at: now(),
        updated_at: now(),
      }
      machines.set(machine.id, machine)
      if (fake.boot === 'run') run(machine)
      else setState(machine, 'started')
      return send(200, machine)
    }
    const machine = machines.get(id)
    if (!machine) return send(404, { error: 'machine not found' })
    if (verb === 'wait' && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'started'
      const until = performance.now() + Number(url.searchParams.get('timeout') ?? 60) * 1000
      while (machine.state !== state) {
        if (performance.now() > until)
          return send(408, { error: 'deadline_exceeded: machine did not reach the state' })
        await new Promise((r) => setTimeout(r, 20))
      }
      return send(200, { ok: true })
    }
    if (verb === 'stop' && req.method === 'POST') {
      if (machine.state === 'destroyed') return send(404, { error: 'machine not found' })
      setState(machine, 'stopping')
      await kill(id, 'SIGTERM')
      if (machine.state === 'stopping') setState(machine, 'stopped')
      return send(200, { ok: true })
    }
    if (verb) return send(405, { error: 'method not allowed' })
    if (req.method === 'GET') return send(200, machine)
    if (req.method === 'DELETE') {
      if (machine.state === 'destroyed') return send(404, { error: 'machine not found' })
      const running = processes.has(id) || machine.state === 'started'
      if (running && url.searchParams.get('force') !== 'true') {
        return send(412, { error: 'failed_precondition: machine still active, refusing to delete' })
      }
      setState(machine, 'destroying')
      await kill(id, 'SIGKILL')
      setState(machine, 'destroyed')
      return send(200, { ok: true })
    }
    return send(405, { error: 'method not allowed' })
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) =>
        requests.push({ method: req.method ?? '?', path: req.url ?? '', status, at: performance.now() }),
      (err: unknown) => {
        requests.push({ method: req.method ?? '?', path: req.url ?? '', status: 500, at: performance.now() })
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: String(err) }))
      },
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  const fake: FakeFly = {
    url: `http://127.0.0.1:${port}`,
    boot: 'run',
    machines: () => [...machines.values()],
    requests,
    failCreates: (status, times, error = status === 412 ? 'insufficient resources' : 'try again') => {
      for (let i = 0; i < times; i++) failures.push({ status, error })
    },
    kill: (id) => {
      const child = processes.get(id)
      if (!child) return false
      child.kill('SIGKILL')
      return true
    },
    pidOf: (id) => processes.get(id)?.pid,
    stderrOf: (id) => stderr.get(id) ?? '',
    close: async () => {
      await Promise.all([...processes.keys()].map((id) => kill(id, 'SIGKILL')))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return fake
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function strings(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string')
}

/** The create body as the Machines API takes it; a string says what is wrong. */
function checkCreate(body: unknown): Pick<FakeMachine, 'name' | 'region' | 'config'> | string {
  if (!isRecord(body)) return 'body must be a JSON object'
  const { name, region, config } = body
  if (typeof name !== 'string' || typeof region !== 'string') return 'name and region must be strings'
  if (!isRecord(config)) return 'config is required'
  const { image, init, guest, auto_destroy, restart, env, metadata } = config
  if (typeof image !== 'string' || !image) return 'config.image is required'
  const cmd = isRecord(init) ? init.cmd : undefined
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((c) => typeof c === 'string'))
    return 'config.init.cmd must be a list of strings'
  if (
    !isRecord(guest) ||
    (guest.cpu_kind !== 'shared' && guest.cpu_kind !== 'performance') ||
    typeof guest.cpus !== 'number' ||
    typeof guest.memory_mb !== 'number'
  )
    return 'config.guest needs cpu_kind, cpus and memory_mb'
  if (typeof auto_destroy !== 'boolean') return 'config.auto_destroy must be a boolean'
  if (!isRecord(restart) || typeof restart.policy !== 'string') return 'config.restart.policy is required'
  if (!strings(env)) return 'config.env must map names to strings'
  if (!strings(metadata)) return 'config.metadata must map names to strings'
  return {
    name,
    region,
    config: {
      image,
      init: { cmd },
      guest: { cpu_kind: guest.cpu_kind, cpus: guest.cpus, memory_mb: guest.memory_mb },
      auto_destroy,
      restart: { policy: restart.policy },
      env,
      metadata,
    },
  }
}
