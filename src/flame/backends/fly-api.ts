/**
 * A small client for the Fly.io Machines API — the calls a pool needs, spoken exactly
 * as the API documents them (`https://api.machines.dev`, or `http://_api.internal:4280`
 * from inside Fly), with `Authorization: Bearer <token>` and errors as `{"error": "…"}`.
 *
 *   const api = new FlyMachinesApi({ url: 'https://api.machines.dev', token, app: 'wps' })
 *   const m = await api.create({ name, region: 'fra', config: { image, init: { cmd }, guest, env, … } })
 *   await api.list()                        // [{ id, name, state, region, private_ip, instance_id, config }]
 *   await api.wait(m.id, 'started')
 *   await api.destroy(m.id)                 // DELETE …?force=true; a machine already gone is fine
 *
 * Creating retries what Fly means as "try again" — 429 (rate limited: about 1 request/s,
 * burst 3, per action), 412 (no capacity in the region), 409 (the host ran out of
 * capacity meanwhile), 422 (no capacity for the workload) — as FLAME's FlyBackend does:
 * up to 10 attempts, a second apart (or as `Retry-After` says). Any other error fails
 * with the API's own message. Other calls retry only 429.
 */

export interface FlyGuest {
  cpu_kind: 'shared' | 'performance'
  cpus: number
  memory_mb: number
}

export interface FlyMachineConfig {
  image: string
  init: { cmd: string[] }
  guest: FlyGuest
  auto_destroy: boolean
  restart: { policy: 'no' | 'always' | 'on-failure' }
  env: Record<string, string>
  metadata: Record<string, string>
}

export interface FlyCreateRequest {
  name: string
  region: string
  config: FlyMachineConfig
}

/** The fields of a machine object this client reads (the API sends more). */
export interface FlyMachine {
  id: string
  name: string
  state: string
  region: string
  private_ip: string
  instance_id: string
  created_at: string | undefined
  metadata: Record<string, string>
}

export interface FlyApiOptions {
  /** API base, e.g. `https://api.machines.dev`. */
  url: string
  token: string
  app: string
  /** Attempts of a create that gets 429/412/409/422. Default 10. */
  attempts?: number
  /** Pause between attempts when the API does not say (`Retry-After`). Default 1000 ms. */
  retryDelayMs?: number
  log?: (line: string) => void
}

export class FlyApiError extends Error {
  override name = 'FlyApiError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const CREATE_RETRY = new Set([429, 412, 409, 422])
const ANY_RETRY = new Set([429])

export class FlyMachinesApi {
  private readonly base: string

  constructor(private readonly options: FlyApiOptions) {
    if (!options.token) throw new Error('Fly Machines API: no token (FLY_API_TOKEN)')
    if (!/^[a-z0-9-]+$/.test(options.app)) throw new Error(`Fly Machines API: bad app name "${options.app}"`)
    this.base = `${options.url.replace(/\/+$/, '')}/v1/apps/${options.app}/machines`
  }

  async create(request: FlyCreateRequest, signal?: AbortSignal): Promise<FlyMachine> {
    const body = await this.request('POST', '', { body: request, retry: CREATE_RETRY, signal })
    return parseMachine(body)
  }

  async list(): Promise<FlyMachine[]> {
    const body = await this.request('GET', '', {})
    if (!Array.isArray(body)) throw new FlyApiError(0, 'Fly Machines API: list did not return an array')
    return body.map(parseMachine)
  }

  async get(id: string): Promise<FlyMachine> {
    return parseMachine(await this.request('GET', `/${encodeURIComponent(id)}`, {}))
  }

  /** Wait (server side, up to `timeoutS`) for the machine to reach `state`. */
  async wait(id: string, state: 'started' | 'stopped' | 'destroyed', timeoutS = 60): Promise<void> {
    await this.request('GET', `/${encodeURIComponent(id)}/wait?state=${state}&timeout=${timeoutS}`, {})
  }

  async stop(id: string): Promise<void> {
    await this.request('POST', `/${encodeURIComponent(id)}/stop`, {})
  }

  /** Destroy now (`force=true`: even while it runs). A machine that is already gone counts as destroyed. */
  async destroy(id: string): Promise<void> {
    try {
      await this.request('DELETE', `/${encodeURIComponent(id)}?force=true`, {})
    } catch (err) {
      if (err instanceof FlyApiError && err.status === 404) return
      throw err
    }
  }

  private async request(
    method: string,
    path: string,
    o: { body?: unknown; retry?: Set<number>; signal?: AbortSignal | undefined },
  ): Promise<unknown> {
    const attempts = this.options.attempts ?? 10
    const retry = o.retry ?? ANY_RETRY
    for (let attempt = 1; ; attempt++) {
      const init: RequestInit = {
        method,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          ...(o.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
      }
      if (o.body !== undefined) init.body = JSON.stringify(o.body)
      if (o.signal) init.signal = o.signal
      const res = await fetch(`${this.base}${path}`, init)
      const text = await res.text()
      if (res.ok) return text ? parseJson(text) : null
      const message = errorMessage(text) ?? res.statusText
      if (retry.has(res.status) && attempt < attempts) {
        const delay = retryAfter(res.headers.get('retry-after')) ?? this.options.retryDelayMs ?? 1000
        this.options.log?.(`${method} machines${path} → ${res.status} (${message}); retrying in ${delay} ms`)
        await sleep(delay, o.signal)
        continue
      }
      throw new FlyApiError(
        res.status,
        `Fly Machines API ${method} ${path || '/'} failed with ${res.status}: ${message}`,
      )
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new FlyApiError(
      0,
      `Fly Machines API answered with something that is not JSON: ${text.slice(0, 200)}`,
    )
  }
}

function errorMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text)
    const error = typeof body === 'object' && body !== null ? Reflect.get(body, 'error') : undefined
    return typeof error === 'string' ? error : text || undefined
  } catch {
    return text || undefined
  }
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 30_000) : undefined
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

/** Check the parts of a machine object we rely on. */
export function parseMachine(value: unknown): FlyMachine {
  const field = (name: string): unknown =>
    typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined
  const text = (name: string, required = true): string => {
    const v = field(name)
    if (typeof v === 'string') return v
    if (!required && v === undefined) return ''
    throw new FlyApiError(0, `Fly Machines API: a machine object without "${name}"`)
  }
  const config = field('config')
  const rawMeta = typeof config === 'object' && config !== null ? Reflect.get(config, 'metadata') : undefined
  const metadata: Record<string, string> = {}
  if (typeof rawMeta === 'object' && rawMeta !== null) {
    for (const [k, v] of Object.entries(rawMeta)) if (typeof v === 'string') metadata[k] = v
  }
  const created = field('created_at')
  return {
    id: text('id'),
    name: text('name', false),
    state: text('state'),
    region: text('region', false),
    private_ip: text('private_ip', false),
    instance_id: text('instance_id', false),
    created_at: typeof created === 'string' ? created : undefined,
    metadata,
  }
}

/**
 * A guest size: a Fly preset (`performance-2x`, `shared-cpu-4x`) with its standard
 * memory, optionally `:<memory_mb>` to choose another (`performance-2x:8192`).
 */
export function parseGuest(spec: string): FlyGuest {
  const m = /^(performance|shared-cpu)-(\d+)x(?::(\d+))?$/.exec(spec.trim())
  if (!m)
    throw new Error(
      `"${spec}" is not a Fly guest size (e.g. performance-2x, shared-cpu-4x, performance-2x:8192)`,
    )
  const cpus = Number(m[2])
  const kind = m[1] === 'performance' ? 'performance' : 'shared'
  if (![1, 2, 4, 8, 16].includes(cpus)) throw new Error(`Fly guests have 1, 2, 4, 8 or 16 CPUs, not ${cpus}`)
  const memory = m[3] ? Number(m[3]) : cpus * (kind === 'performance' ? 2048 : 256)
  if (memory % 256 !== 0 || memory < 256)
    throw new Error(`Fly guest memory must be a multiple of 256 MB, not ${memory}`)
  return { cpu_kind: kind, cpus, memory_mb: memory }
}
