/**
 * A node's settings, read once from the environment (the README lists them). Defaults
 * make one laptop a working node; every cloud difference is a variable, not code.
 *
 *   const config = readConfig(process.env)   // throws ConfigError naming the bad variable
 */
import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { type FlyGuest, parseGuest } from '@world-page-speed/flame'
import { type AllowTarget, AllowTargetsError, parseAllowTargets } from '../net/allow-targets.ts'
import { machineLoadBudget } from '../speedtest/machine-budget.ts'

export type PoolBackendName = 'process' | 'local' | 'fly' | 'kubernetes'

/** Where and how runners boot as Fly.io Machines (`WPS_POOL_BACKEND=fly`). */
export interface FlyConfig {
  /** The NATS servers as a runner machine dials them (the node may use a loopback address). */
  runnerNatsUrl: string
  apiUrl: string
  apiToken: string
  app: string
  imageRef: string
  /** The node's region: runners boot where their node measures. */
  region: string
  guest: FlyGuest
}

/** Runners as pods cloned from the node's own pod (`WPS_POOL_BACKEND=kubernetes`). */
export interface KubernetesConfig {
  /** The NATS servers as a runner pod dials them. */
  runnerNatsUrl: string
  /** The node's own pod (`POD_NAME` from the downward API). */
  podName: string
  /** The runner container's requests and limits; null keeps the node container's. */
  resources: { requests: Record<string, string>; limits: Record<string, string> } | null
  /** The container of the node's pod that runs the app; null = the first. */
  container: string | null
  /** What the in-cluster client reads: service host/port, service-account folder, namespace. */
  inCluster: Record<string, string>
}

export interface PoolConfig {
  backend: PoolBackendName
  min: number
  max: number
  maxConcurrency: number
  idleShutdownMs: number
  /** A runner not ready this long after its boot began is given up (and its machine destroyed). */
  bootTimeoutMs: number
  /** Niceness of `process` runners and their browsers (0–19), so the node's own work comes first. */
  runnerNice: number
  /** Set when `backend` is `fly`. */
  fly: FlyConfig | null
  /** Set when `backend` is `kubernetes`. */
  kubernetes: KubernetesConfig | null
}

export interface StorageConfig {
  /** SQLite file and artifacts; null = in memory (`wps run` unless WPS_DATA_DIR is set). */
  dataDir: string | null
  /** postgres://… : PostgreSQL instead of SQLite. */
  databaseUrl: string | null
  /** Tests older than this are deleted; 0 = keep them forever. */
  retentionDays: number
}

/**
 * Fly's guest for a runner: 2 dedicated cores hold exactly one page load at a time (the
 * machine budget is one load per two cores) with numbers undisturbed by neighbours.
 */
export const DEFAULT_FLY_GUEST = 'performance-2x'

export interface NodeConfig {
  port: number
  host: string
  region: string
  natsUrl: string | null
  navTimeoutMs: number
  /** WPS_LATE_WINDOW_MS: how long after `load` a page is still watched for late numbers (0 = not at all). */
  lateWindowMs: number
  /** WPS_LIGHTHOUSE_TIMEOUT_MS: the limit of one Lighthouse audit, for tests that ask for one. */
  lighthouseTimeoutMs: number
  queueTimeoutMs: number
  allowPrivate: boolean
  /** WPS_ALLOW_TARGETS: private targets allowed one by one (metadata never). */
  allowTargets: AllowTarget[]
  startsPerMinute: number
  /** WPS_RATE_LIMIT_PER_HOST_PER_MIN: tests per target host per minute, cluster-wide (0 = none). */
  startsPerHostPerMinute: number
  /** WPS_RATE_LIMIT_TOTAL_PER_MIN: tests per minute in all, cluster-wide (0 = none). */
  startsTotalPerMinute: number
  /** WPS_API_KEYS: with any, starting a test needs one (never logged). */
  apiKeys: string[]
  /** WPS_API_KEYS_READ=1: reading the API needs a key too. */
  apiKeysRead: boolean
  /** Whose X-Forwarded-* headers to believe (WPS_TRUST_PROXY): none, all, a hop count, or addresses. */
  trustProxy: boolean | number | string
  /** The address people use (WPS_PUBLIC_URL), e.g. https://speed.example.com. */
  publicUrl: string | null
  /** Page loads at once on this machine, across all its nodes and runners; 0 = no machine-wide limit. */
  machineBudget: number
  /** Added round-trip time for this node's browser traffic (latency emulator), 0 = none. */
  latencyMs: number
  machineId: string
  pool: PoolConfig
  storage: StorageConfig
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number ≥ ${min}, got "${raw}".`)
  }
  return value
}

/** WPS_RUNNER_NICE: 0–19, default 10 (the browser waits for spare CPU, the node's event loop does not). */
function runnerNice(env: NodeJS.ProcessEnv): number {
  const nice = integer(env, 'WPS_RUNNER_NICE', 10)
  if (nice > 19) throw new ConfigError(`WPS_RUNNER_NICE must be a whole number from 0 to 19, got "${nice}".`)
  return nice
}

function allowTargets(env: NodeJS.ProcessEnv): AllowTarget[] {
  try {
    return parseAllowTargets(env.WPS_ALLOW_TARGETS)
  } catch (error) {
    if (error instanceof AllowTargetsError) throw new ConfigError(`WPS_ALLOW_TARGETS: ${error.message}`)
    throw error
  }
}

/** WPS_API_KEYS: a comma list; the message names the variable and the entry's position, never a key. */
function apiKeys(env: NodeJS.ProcessEnv): string[] {
  const raw = env.WPS_API_KEYS ?? ''
  if (raw.trim() === '') return []
  const keys = raw.split(',').map((key) => key.trim())
  keys.forEach((key, index) => {
    if (!/^[\x21-\x7e]+$/.test(key) || key.length < 16) {
      throw new ConfigError(
        `WPS_API_KEYS entry ${index + 1} must be at least 16 printable characters without spaces (e.g. from \`openssl rand -hex 24\`).`,
      )
    }
  })
  return keys
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false
  if (raw === '1' || raw === 'true') return true
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}".`)
}

const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal']

/** WPS_TRUST_PROXY: unset/0/false = none; true = every hop; N = N proxies; else addresses, CIDRs or presets. */
export function parseTrustProxy(raw: string | undefined): boolean | number | string {
  const value = raw?.trim() ?? ''
  if (value === '' || value === '0' || value === 'false' || value === 'off') return false
  if (value === 'true' || value === 'on') return true
  if (/^\d+$/.test(value)) return Number(value)
  const entries = value.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const validBits =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address ?? '') === 6 ? 128 : 32))
    if (PROXY_PRESETS.includes(entry)) continue
    if (extra !== undefined || !isIP(address ?? '') || !validBits) {
      throw new ConfigError(
        `WPS_TRUST_PROXY must be true, a number of proxies, or a comma list of addresses/CIDRs (${PROXY_PRESETS.join(', ')} allowed); "${entry}" is none of these.`,
      )
    }
  }
  return entries.join(',')
}

function publicUrl(raw: string | undefined): string | null {
  if (!raw) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`WPS_PUBLIC_URL must be a URL such as https://speed.example.com, got "${raw}".`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`WPS_PUBLIC_URL must be an http or https URL, got "${raw}".`)
  }
  return url.href
}

export interface ConfigDefaults {
  backend?: PoolBackendName
  /** Keep tests in memory unless WPS_DATA_DIR or DATABASE_URL says otherwise (one-off runs). */
  memoryStore?: boolean
}

export function readConfig(env: NodeJS.ProcessEnv, defaults: ConfigDefaults = {}): NodeConfig {
  const backend = env.WPS_POOL_BACKEND || defaults.backend || 'process'
  if (backend !== 'process' && backend !== 'local' && backend !== 'fly' && backend !== 'kubernetes') {
    throw new ConfigError(
      `WPS_POOL_BACKEND must be "process", "local", "fly" or "kubernetes", got "${env.WPS_POOL_BACKEND}".`,
    )
  }
  // on Fly every machine knows its region; WPS_REGION still wins when set
  const region = env.WPS_REGION || env.FLY_REGION || 'local'
  if (!/^[a-z0-9-]{1,32}$/.test(region)) {
    throw new ConfigError(`WPS_REGION must be a short lower-case code such as "ord", got "${region}".`)
  }
  const budget = machineLoadBudget()
  const min = integer(env, 'WPS_POOL_MIN', 0)
  const max = integer(env, 'WPS_POOL_MAX', budget, 1)
  if (min > max) throw new ConfigError(`WPS_POOL_MIN (${min}) is larger than WPS_POOL_MAX (${max}).`)
  const databaseUrl = env.DATABASE_URL || null
  if (databaseUrl !== null && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// (or postgresql://) URL.')
  }
  return {
    port: integer(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    region,
    natsUrl: env.NATS_URL || null,
    navTimeoutMs: integer(env, 'WPS_NAV_TIMEOUT_MS', 30_000, 1000),
    lateWindowMs: integer(env, 'WPS_LATE_WINDOW_MS', 5000),
    lighthouseTimeoutMs: integer(env, 'WPS_LIGHTHOUSE_TIMEOUT_MS', 60_000, 5000),
    queueTimeoutMs: integer(env, 'WPS_QUEUE_TIMEOUT_MS', 120_000, 1000),
    allowPrivate: env.WPS_ALLOW_PRIVATE === '1' || env.WPS_ALLOW_PRIVATE === 'true',
    allowTargets: allowTargets(env),
    startsPerMinute: integer(env, 'WPS_RATE_LIMIT_PER_MIN', 60, 1),
    startsPerHostPerMinute: integer(env, 'WPS_RATE_LIMIT_PER_HOST_PER_MIN', 10),
    startsTotalPerMinute: integer(env, 'WPS_RATE_LIMIT_TOTAL_PER_MIN', 120),
    apiKeys: apiKeys(env),
    apiKeysRead: flag(env, 'WPS_API_KEYS_READ'),
    trustProxy: parseTrustProxy(env.WPS_TRUST_PROXY),
    publicUrl: publicUrl(env.WPS_PUBLIC_URL),
    latencyMs: integer(env, 'WPS_LATENCY_MS', 0),
    machineBudget: integer(env, 'WPS_MACHINE_BUDGET', budget),
    machineId: env.FLY_MACHINE_ID || env.WPS_MACHINE_ID || hostname(),
    pool: {
      backend,
      min,
      max,
      maxConcurrency: integer(env, 'WPS_POOL_MAX_CONCURRENCY', 1, 1),
      idleShutdownMs: integer(env, 'WPS_POOL_IDLE_SHUTDOWN_MS', 30_000, 100),
      bootTimeoutMs: integer(env, 'WPS_POOL_BOOT_TIMEOUT_MS', 30_000, 100),
      runnerNice: runnerNice(env),
      fly: backend === 'fly' ? readFlyConfig(env, region) : null,
      kubernetes: backend === 'kubernetes' ? readKubernetesConfig(env) : null,
    },
    storage: {
      dataDir: env.WPS_DATA_DIR || (defaults.memoryStore ? null : './data'),
      databaseUrl,
      retentionDays: integer(env, 'WPS_RETENTION_DAYS', 30),
    },
  }
}

function readFlyConfig(env: NodeJS.ProcessEnv, wpsRegion: string): FlyConfig {
  const required = (name: string, why: string): string => {
    const value = env[name]
    if (!value) throw new ConfigError(`WPS_POOL_BACKEND=fly needs ${name} (${why}).`)
    return value
  }
  // runners dial back to their node over NATS: there is no other way home from a machine
  const natsUrl = required('NATS_URL', 'runners reach their node over NATS')
  const app = required('FLY_APP_NAME', 'the app whose machines runners become')
  if (!/^[a-z0-9-]+$/.test(app)) throw new ConfigError(`FLY_APP_NAME must be a Fly app name, got "${app}".`)
  const apiUrl = env.WPS_FLY_API_URL || 'https://api.machines.dev'
  if (!/^https?:\/\/[^/]+/.test(apiUrl))
    throw new ConfigError(`WPS_FLY_API_URL must be an http(s) URL, got "${apiUrl}".`)
  let guest: FlyGuest
  try {
    guest = parseGuest(env.WPS_FLY_GUEST || DEFAULT_FLY_GUEST)
  } catch (error) {
    throw new ConfigError(`WPS_FLY_GUEST: ${error instanceof Error ? error.message : error}.`)
  }
  return {
    runnerNatsUrl: env.WPS_RUNNER_NATS_URL || natsUrl,
    apiUrl,
    apiToken: required('FLY_API_TOKEN', 'a token allowed to create machines in the app'),
    app,
    imageRef: required('FLY_IMAGE_REF', 'the image runners boot from; Fly sets it on every machine'),
    region: env.FLY_REGION || wpsRegion,
    guest,
  }
}

const CPU = /^\d+(\.\d+)?m?$/
const MEMORY = /^\d+(\.\d+)?([KMGTPE]i?|k)?$/

function readKubernetesConfig(env: NodeJS.ProcessEnv): KubernetesConfig {
  const natsUrl = env.NATS_URL
  if (!natsUrl)
    throw new ConfigError(
      'WPS_POOL_BACKEND=kubernetes needs NATS_URL (runner pods reach their node over NATS).',
    )
  const podName = env.POD_NAME
  if (!podName) {
    throw new ConfigError(
      'WPS_POOL_BACKEND=kubernetes needs POD_NAME: set it from the downward API (fieldRef metadata.name).',
    )
  }
  const cpu = env.WPS_K8S_RUNNER_CPU || ''
  const memory = env.WPS_K8S_RUNNER_MEMORY || ''
  if (cpu && !CPU.test(cpu))
    throw new ConfigError(`WPS_K8S_RUNNER_CPU must be a CPU quantity such as "2" or "1500m", got "${cpu}".`)
  if (memory && !MEMORY.test(memory)) {
    throw new ConfigError(`WPS_K8S_RUNNER_MEMORY must be a memory quantity such as "2Gi", got "${memory}".`)
  }
  const amounts: Record<string, string> = {
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
  }
  const inCluster: Record<string, string> = { POD_NAME: podName }
  for (const name of [
    'POD_NAMESPACE',
    'KUBERNETES_SERVICE_HOST',
    'KUBERNETES_SERVICE_PORT',
    'WPS_K8S_SERVICE_ACCOUNT_DIR',
  ]) {
    const value = env[name]
    if (value) inCluster[name] = value
  }
  return {
    runnerNatsUrl: env.WPS_RUNNER_NATS_URL || natsUrl,
    podName,
    resources: cpu || memory ? { requests: { ...amounts }, limits: { ...amounts } } : null,
    container: env.WPS_K8S_CONTAINER || null,
    inCluster,
  }
}
