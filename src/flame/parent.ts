/**
 * What a runner knows about the pool that started it — FLAME's `FLAME.Parent`.
 *
 * A backend hands this record to every runner it boots: in the `FLAME_PARENT`
 * environment variable for a process or a cloud machine, directly for an in-process
 * runner. It is versioned, because a parent and a runner booted from another image may
 * not speak the same protocol, and it carries everything a runner on another machine
 * needs to find its way home — and nothing else is inherited (no IPC, no files):
 *
 *   {
 *     v: 2,                                   // PROTOCOL_VERSION; a mismatch is a clear boot error
 *     parentId: 'web-1-4242-9f3c',            // one per parent process
 *     runnerId: 'browser-3', pool: 'browser', backend: 'fly',
 *     heartbeatMs: 1000, parentTimeoutMs: 5000, failsafeMs: 20000,
 *     link: { kind: 'nats', servers: ['nats://10.0.0.2:4222'], token: '…', subjectPrefix: 'flame' },
 *   }
 *
 * `link` is absent when the backend carries the protocol itself (IPC, in-process).
 * With `link.kind === 'nats'` the runner dials out to the parent over NATS and proves
 * who it is with the one-time `token` in its first message (see `nats-link.ts`).
 *
 * It also lets app code know it is running *as a runner*, to skip what a runner does
 * not need:
 *
 *   if (Parent.get()) {
 *     await import('./tasks.ts')   // register tasks
 *     await startRunner()          // serve the parent; no HTTP server here
 *   } else {
 *     startWebServer()
 *   }
 *
 * A pool created inside a runner starts with `min: 0`, so runners never boot runners
 * just by starting.
 */

import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

export const PARENT_ENV = 'FLAME_PARENT'

/**
 * This process's identity as a parent: host, pid and a random part, so a node restarted
 * on the same machine (same host, maybe the same pid) is a new parent. Safe as a NATS
 * subject token.
 */
export const PARENT_ID = `${hostname()
  .replace(/[^A-Za-z0-9_-]/g, '_')
  .slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`

/** The version of the parent record and of the pool ↔ runner protocol. */
export const PROTOCOL_VERSION = 2

/** How a runner on another machine reaches its parent. */
export interface NatsLinkInfo {
  kind: 'nats'
  servers: string[]
  /** One-time secret the runner presents in its first message. */
  token: string
  /** Subject namespace shared by parent and runner. */
  subjectPrefix: string
}

export interface ParentInfo {
  /** PROTOCOL_VERSION of the parent that wrote the record. */
  v: number
  /** The parent process's identity (one per process, so a restarted node is a new parent). */
  parentId: string
  /** The id the pool gave this runner. */
  runnerId: string
  /** The pool's name (for logs). */
  pool: string
  /** Which backend started the runner. */
  backend: string
  /** The parent pings this often (and a networked runner beats back as often). */
  heartbeatMs: number
  /** Exit when nothing was heard from the parent for this long. */
  parentTimeoutMs: number
  /** Exit when nothing at all was heard from the parent this long after start. */
  failsafeMs: number
  /** Absent: the backend carries the protocol (IPC, in-process). */
  link?: NatsLinkInfo
  /** Backend-specific data. */
  extra?: Record<string, unknown>
}

/** The record was written by a parent that speaks another protocol version. */
export class ParentVersionError extends Error {
  constructor(
    readonly parentVersion: unknown,
    /** What could be read of the record: enough, sometimes, to tell the parent. */
    readonly record: Record<string, unknown>,
  ) {
    super(
      `${PARENT_ENV} was written by a parent speaking protocol v${String(parentVersion)}, ` +
        `but this runner speaks v${PROTOCOL_VERSION}: boot runners from the same build as their parent`,
    )
    this.name = 'ParentVersionError'
  }
}

export const Parent = {
  encode(info: ParentInfo): string {
    return Buffer.from(JSON.stringify(info)).toString('base64url')
  },

  /** Parse and check a record; throws a clear error for anything else (ParentVersionError for a version mismatch). */
  decode(encoded: string): ParentInfo {
    let raw: unknown
    try {
      raw = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
    } catch {
      throw new Error(`${PARENT_ENV} is not a FLAME parent record (not base64url JSON)`)
    }
    if (!isRecord(raw)) throw new Error(`${PARENT_ENV} is not a FLAME parent record`)
    if (raw.v !== PROTOCOL_VERSION) throw new ParentVersionError(raw.v, raw)
    return checkInfo(raw)
  },

  /** The parent of this process, or null when this process is not a runner. */
  get(env: NodeJS.ProcessEnv = process.env): ParentInfo | null {
    const encoded = env[PARENT_ENV]
    return encoded ? Parent.decode(encoded) : null
  },
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkInfo(raw: Record<string, unknown>): ParentInfo {
  const bad = (field: string): never => {
    throw new Error(`${PARENT_ENV} is not a FLAME parent record: bad or missing "${field}"`)
  }
  const text = (field: string): string => {
    const value = raw[field]
    return typeof value === 'string' && value !== '' ? value : bad(field)
  }
  const ms = (field: string): number => {
    const value = raw[field]
    return typeof value === 'number' && value > 0 ? value : bad(field)
  }
  const info: ParentInfo = {
    v: PROTOCOL_VERSION,
    parentId: text('parentId'),
    runnerId: text('runnerId'),
    pool: text('pool'),
    backend: text('backend'),
    heartbeatMs: ms('heartbeatMs'),
    parentTimeoutMs: ms('parentTimeoutMs'),
    failsafeMs: ms('failsafeMs'),
  }
  if (raw.link !== undefined) info.link = checkLink(raw.link, bad)
  if (raw.extra !== undefined) info.extra = isRecord(raw.extra) ? raw.extra : bad('extra')
  return info
}

function checkLink(link: unknown, bad: (field: string) => never): NatsLinkInfo {
  if (!isRecord(link) || link.kind !== 'nats') return bad('link')
  const { servers, token, subjectPrefix } = link
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string'))
    return bad('link.servers')
  if (typeof token !== 'string' || token.length < 16) return bad('link.token')
  if (typeof subjectPrefix !== 'string' || !/^[A-Za-z0-9_-]+$/.test(subjectPrefix))
    return bad('link.subjectPrefix')
  return { kind: 'nats', servers, token, subjectPrefix }
}
