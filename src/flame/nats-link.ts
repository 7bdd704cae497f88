/**
 * The parent's side of the network runner link: runners on other machines dial out to
 * their parent over NATS — no inbound port on either side, nothing inherited but the
 * environment.
 *
 * A backend asks the link to `expect` a runner before it starts one. That gives it the
 * environment to hand the machine (`FLAME_PARENT`, the versioned parent record with the
 * NATS servers and a one-time token) and a promise of the runner's connection, which
 * resolves when the runner has dialled in and presented that token:
 *
 *   const link = await NatsLink.listen({ servers: 'nats://10.0.0.2:4222' })
 *   const expected = link.expect(spec.parent)
 *   const machine = await api.createMachine({ env: expected.env })     // any cloud
 *   const runner = await expected.connection                           // RunnerLink
 *   runner.onMessage((m) => …); runner.send({ t: 'run', … }); runner.onEnd((exit) => …)
 *
 * On the wire (subjects under `flame.<parentId>`):
 *   runner → parent  `flame.<parentId>.<runnerId>.up`    hello {v, runnerId, token}, then data and beats
 *   parent → runner  `flame.<parentId>.<runnerId>.down`  welcome | reject, then data
 *   anyone → parent  `flame.<parentId>.alive`            answered while this parent lives
 * Messages of any size are cut into frames and checked for gaps (`wire.ts`). The
 * runner beats every `heartbeatMs`; one silent for `missedBeats` heartbeats (default 3)
 * is reported lost, so its calls fail within a few seconds of a `kill -9` of its
 * machine. The runner in turn hears the pool's pings and exits when they stop.
 *
 * `isParentAlive(id)` lets a backend tell an orphan (its parent no longer answers) from
 * a live sibling's runner, across restarts and deploys.
 */

import { randomBytes } from 'node:crypto'
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import type { RunnerExit } from './backend.ts'
import { PARENT_ENV, PARENT_ID, Parent, type ParentInfo, PROTOCOL_VERSION } from './parent.ts'
import { type FromRunner, isFromRunner, type ToRunner } from './protocol.ts'
import { type Control, decodeFrame, encodeControl, FrameReader, FrameWriter, WireError } from './wire.ts'

export interface NatsLinkOptions {
  /** Where this parent connects. */
  servers: string | string[]
  /** The servers as a runner should dial them (another machine may need other addresses). Default: `servers`. */
  runnerServers?: string[]
  /** Default: this process's `PARENT_ID`. */
  parentId?: string
  /** Subject namespace. Default `flame`. */
  subjectPrefix?: string
  /** A runner silent for this many heartbeats is lost. Default 3. */
  missedBeats?: number
  /** Largest frame; default the server's `max_payload`. */
  maxFrameBytes?: number
  log?: (line: string) => void
}

/** What `expect` gives a backend. */
export interface Expectation {
  /** The environment the runner's machine must get (on top of what the app needs). */
  env: Record<string, string>
  /** The record in `env`, for backends that pass it another way. */
  parent: ParentInfo
  /** Resolves once the runner dialled in with its token; rejects on `cancel` or a protocol mismatch. */
  connection: Promise<RunnerLink>
  /** Stop waiting (the boot was abandoned). */
  cancel(reason: Error): void
}

/** One connected runner, as the parent sees it. */
export interface RunnerLink {
  readonly runnerId: string
  /** Throws if the message cannot be structured-cloned; drops it once the link has ended. */
  send(message: ToRunner): void
  onMessage(listener: (message: FromRunner) => void): void
  /** Once: the runner said goodbye (`code`), or was lost (`lost`), or `end` was called. */
  onEnd(listener: (exit: RunnerExit) => void): void
  /** Forget this runner, reporting `exit` (e.g. after its machine was destroyed). */
  end(exit: RunnerExit): void
}

interface Waiting {
  parent: ParentInfo
  token: string
  resolve(link: Connected): void
  reject(err: Error): void
}

export class NatsLink {
  readonly parentId: string
  private readonly prefix: string
  private readonly waiting = new Map<string, Waiting>()
  private readonly connected = new Map<string, Connected>()
  private readonly subs: Subscription[] = []
  private readonly watch: NodeJS.Timeout
  private closed = false

  static async listen(options: NatsLinkOptions): Promise<NatsLink> {
    // Loaded here, not when this module is: a process that never links over NATS never pays for it.
    const { connect } = await import('@nats-io/transport-node')
    const nc = await connect({
      servers: options.servers,
      name: `flame-parent-${options.parentId ?? PARENT_ID}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    })
    const link = new NatsLink(nc, options)
    await nc.flush() // subscriptions are in place before any runner is told where to dial
    return link
  }

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsLinkOptions,
  ) {
    this.parentId = options.parentId ?? PARENT_ID
    this.prefix = options.subjectPrefix ?? 'flame'
    if (!/^[A-Za-z0-9_-]+$/.test(this.parentId) || !/^[A-Za-z0-9_-]+$/.test(this.prefix)) {
      throw new Error(`NatsLink: parentId and subjectPrefix must be letters, digits, _ or -`)
    }
    const base = `${this.prefix}.${this.parentId}`
    this.subs.push(
      nc.subscribe(`${base}.*.up`, {
        callback: (err, msg) => {
          if (!err) this.receive(msg)
        },
      }),
      nc.subscribe(`${base}.alive`, {
        callback: (err, msg) => {
          if (!err) msg.respond(this.parentId)
        },
      }),
    )
    let previous = performance.now()
    this.watch = setInterval(() => {
      const now = performance.now()
      const late = now - previous > 500
      previous = now
      // a late tick means this process was blocked: beats may be waiting unread, judge next time
      if (late) return
      for (const link of this.connected.values()) link.check(now)
    }, 200)
    this.watch.unref()
  }

  /** The largest frame this link sends. */
  get maxFrameBytes(): number {
    const server = this.nc.info?.max_payload ?? 1024 * 1024
    return Math.min(this.options.maxFrameBytes ?? server, server)
  }

  /** Get ready for runner `parent.runnerId`: the env to boot it with, and its connection once it dials in. */
  expect(parent: ParentInfo): Expectation {
    if (this.closed) throw new Error('NatsLink is closed')
    if (!/^[A-Za-z0-9_-]+$/.test(parent.runnerId)) {
      throw new Error(`runner id "${parent.runnerId}" cannot be a NATS subject token`)
    }
    const token = randomBytes(24).toString('base64url')
    const servers = this.options.runnerServers ?? [this.options.servers].flat()
    const record: ParentInfo = {
      ...parent,
      v: PROTOCOL_VERSION,
      parentId: this.parentId,
      link: { kind: 'nats', servers, token, subjectPrefix: this.prefix },
    }
    const runnerId = parent.runnerId
    let rejectIt!: (err: Error) => void
    const connection = new Promise<RunnerLink>((resolve, reject) => {
      rejectIt = reject
      this.waiting.set(runnerId, { parent: record, token, resolve, reject })
    })
    connection.catch(() => {}) // the backend observes it
    return {
      env: { [PARENT_ENV]: Parent.encode(record) },
      parent: record,
      connection,
      cancel: (reason) => {
        if (this.waiting.get(runnerId)?.token !== token) return
        this.waiting.delete(runnerId)
        rejectIt(reason)
      },
    }
  }

  /**
   * Does parent `parentId` still answer? `false` only when NATS says nobody listens on its
   * subject (so its runners are orphans); `true` when it answered; `undefined` when unsure
   * (NATS unreachable, timed out) — never destroy on that.
   */
  async isParentAlive(parentId: string, timeoutMs = 2_000): Promise<boolean | undefined> {
    if (parentId === this.parentId) return true
    if (!/^[A-Za-z0-9_-]+$/.test(parentId)) return undefined
    try {
      await this.nc.request(`${this.prefix}.${parentId}.alive`, '', { timeout: timeoutMs })
      return true
    } catch (err) {
      const { RequestError } = await import('@nats-io/transport-node')
      if (err instanceof RequestError && err.isNoResponders()) return false
      return undefined
    }
  }

  /** Runners currently connected. */
  get size(): number {
    return this.connected.size
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.watch)
    for (const w of this.waiting.values()) w.reject(new Error('NatsLink closed'))
    this.waiting.clear()
    for (const link of [...this.connected.values()])
      link.end({ code: null, signal: null, lost: 'parent link closed' })
    for (const sub of this.subs) sub.unsubscribe()
    await this.nc.drain().catch(() => this.nc.close())
  }

  private receive(msg: Msg): void {
    const runnerId = msg.subject.split('.').at(-2) ?? ''
    let frame: ReturnType<typeof decodeFrame>
    try {
      frame = decodeFrame(msg.data)
    } catch (err) {
      this.connected.get(runnerId)?.broken(err)
      return
    }
    const link = this.connected.get(runnerId)
    if (frame.kind === 'hello') {
      this.hello(runnerId, frame, link)
      return
    }
    link?.frame(frame)
  }

  private hello(
    runnerId: string,
    hello: Extract<Control, { kind: 'hello' }>,
    link: Connected | undefined,
  ): void {
    // a runner resends hello until welcomed: a repeat from the same runner is answered again
    if (link) {
      if (link.token === hello.token) this.publishControl(runnerId, { kind: 'welcome' })
      else this.refuse(runnerId, 'token already used')
      return
    }
    const waiting = this.waiting.get(runnerId)
    if (!waiting || hello.runnerId !== runnerId) {
      this.refuse(runnerId, 'no runner of that id is expected')
      return
    }
    if (hello.v !== PROTOCOL_VERSION) {
      this.waiting.delete(runnerId)
      const reason = `runner ${runnerId} speaks protocol v${hello.v}, its parent v${PROTOCOL_VERSION}: boot runners from the same build as their parent`
      this.refuse(runnerId, reason)
      waiting.reject(new Error(reason))
      return
    }
    if (hello.token !== waiting.token) {
      this.refuse(runnerId, 'wrong token')
      return
    }
    this.waiting.delete(runnerId)
    const connected = new Connected(
      this,
      runnerId,
      waiting.token,
      waiting.parent,
      this.maxFrameBytes,
      this.options.missedBeats ?? 3,
    )
    this.connected.set(runnerId, connected)
    this.publishControl(runnerId, { kind: 'welcome' })
    waiting.resolve(connected)
  }

  private refuse(runnerId: string, reason: string): void {
    this.options.log?.(`refused a hello from ${runnerId}: ${reason}`)
    this.publishControl(runnerId, { kind: 'reject', reason })
  }

  /** @internal */
  publish(runnerId: string, frame: Uint8Array): void {
    if (this.closed) return
    this.nc.publish(`${this.prefix}.${this.parentId}.${runnerId}.down`, frame)
  }

  private publishControl(runnerId: string, control: Control): void {
    this.publish(runnerId, encodeControl(control))
  }

  /** @internal */
  forget(runnerId: string, link: Connected): void {
    if (this.connected.get(runnerId) === link) this.connected.delete(runnerId)
  }
}

/** A connected runner: frames in and out, liveness, the end reported once. */
class Connected implements RunnerLink {
  private readonly writer: FrameWriter
  private readonly reader = new FrameReader()
  private readonly listeners: ((m: FromRunner) => void)[] = []
  private readonly early: FromRunner[] = []
  private readonly endListeners: ((exit: RunnerExit) => void)[] = []
  private exit: RunnerExit | undefined
  private lastHeard = performance.now()
  private readonly lostAfter: number

  constructor(
    private readonly link: NatsLink,
    readonly runnerId: string,
    readonly token: string,
    parent: ParentInfo,
    maxFrameBytes: number,
    missedBeats: number,
  ) {
    this.writer = new FrameWriter(maxFrameBytes)
    this.lostAfter = parent.heartbeatMs * missedBeats
  }

  send(message: ToRunner): void {
    if (this.exit) return
    for (const frame of this.writer.frames(message)) this.link.publish(this.runnerId, frame)
  }

  onMessage(listener: (message: FromRunner) => void): void {
    this.listeners.push(listener)
    for (const m of this.early.splice(0)) listener(m)
  }

  onEnd(listener: (exit: RunnerExit) => void): void {
    if (this.exit) listener(this.exit)
    else this.endListeners.push(listener)
  }

  end(exit: RunnerExit): void {
    if (this.exit) return
    this.exit = exit
    this.link.forget(this.runnerId, this)
    for (const listener of this.endListeners.splice(0)) listener(exit)
  }

  /** @internal a frame from the runner */
  frame(frame: ReturnType<typeof decodeFrame>): void {
    if (this.exit) return
    this.lastHeard = performance.now()
    switch (frame.kind) {
      case 'data': {
        let message: unknown
        try {
          message = this.reader.push(frame)
        } catch (err) {
          this.broken(err)
          return
        }
        if (message === undefined) return
        if (!isFromRunner(message)) {
          this.broken(new WireError('a message that is not part of the protocol'))
          return
        }
        const m = message
        if (this.listeners.length === 0) this.early.push(m)
        for (const listener of this.listeners) listener(m)
        return
      }
      case 'bye': {
        this.end({ code: frame.code, signal: null })
        return
      }
      default:
        return // beats only prove liveness
    }
  }

  /** @internal the link can no longer be trusted */
  broken(err: unknown): void {
    this.end({ code: null, signal: null, lost: err instanceof WireError ? err.message : `bad frame: ${err}` })
  }

  /** @internal liveness, from the link's watch */
  check(now: number): void {
    const silent = now - this.lastHeard
    if (silent > this.lostAfter)
      this.end({ code: null, signal: null, lost: `no heartbeat for ${Math.round(silent)} ms` })
  }
}
