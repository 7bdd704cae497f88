/**
 * The NATS transport: nodes anywhere, addressed by subject. Membership is gossip
 * on two subjects (announce every heartbeat, probe on arrival, leave on close), a
 * member silent for a few heartbeats is dropped, and a call is a request whose
 * replies — alive pings, streamed messages, then a result or an error — flow back
 * to a per-call inbox. A caller never hangs: it fails with `node_lost` when the
 * member goes away or when its call goes silent, e.g. across a NATS restart.
 *
 *   const cluster = await connectNatsCluster({
 *     servers: 'nats://127.0.0.1:4222',
 *     member: { node: 'ord-1', region: 'ord', machineId: 'm1', capacity: 1 },
 *   })
 *   cluster.serve('measure', async (payload, emit, signal) => { emit({ status: 'loading' }); return {} })
 *   await cluster.call('fra-1', 'measure', { url }, { onMessage: (m) => console.log(m) })
 */

import { connect, createInbox, type Msg, type NatsConnection } from '@nats-io/transport-node'
import { encodeJson } from './json-text.ts'
import { MembershipTable } from './membership.ts'
import {
  type CallRequest,
  type CancelMessage,
  isMember,
  type MembershipMessage,
  type ProbeMessage,
  type ReplyMessage,
  subjects,
} from './nats-protocol.ts'
import { describeThrown, type PendingCall, remoteError, startPendingCall } from './pending-call.ts'
import { type CallOptions, type Cluster, ClusterError, type Member, type MethodHandler } from './types.ts'

export interface NatsClusterOptions {
  servers: string | string[]
  member: Member
  /** How often this node announces itself (and pings calls it serves). Default 500 ms. */
  heartbeatMs?: number
  /** A member (or a call) silent this long is gone. Default 3 heartbeats. */
  memberTimeoutMs?: number
  /** Subject namespace, so several clusters can share one NATS server. Default `wps`. */
  subjectPrefix?: string
  /** Pause between reconnect attempts while NATS is away. Default 250 ms. */
  reconnectTimeWaitMs?: number
}

interface OutgoingCall {
  node: string
  pending: PendingCall
  heardAt: number
  nextSeq: number
}

interface ServedCall {
  from: string
  controller: AbortController
}

export async function connectNatsCluster(options: NatsClusterOptions): Promise<Cluster> {
  const self: Member = { ...options.member }
  const heartbeatMs = options.heartbeatMs ?? 500
  const memberTimeoutMs = options.memberTimeoutMs ?? heartbeatMs * 3
  const subject = subjects(options.subjectPrefix ?? 'wps')
  subject.call(self.node, 'check') // throws early on an unusable node id

  const nc: NatsConnection = await connect({
    servers: options.servers,
    name: `wps-${self.node}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 250,
    reconnectJitter: 50,
  })

  const table = new MembershipTable(self)
  const handlers = new Map<string, MethodHandler>()
  const outgoing = new Set<OutgoingCall>()
  const served = new Map<string, ServedCall>()
  /** One wildcard subscription receives the replies of every call this node makes. */
  const inboxPrefix = createInbox()
  const replyRoutes = new Map<string, (msg: Msg) => void>()
  let callCount = 0
  let closed = false

  /** Publishes JSON text; `message` is encoded unless it is text already. */
  const send = (to: string, message: unknown): void => {
    if (nc.isClosed()) return
    try {
      nc.publish(to, typeof message === 'string' ? message : JSON.stringify(message))
    } catch {
      // Publishing only fails once the connection is closing; the watchdogs cover the rest.
    }
  }
  const announce = (): void =>
    send(subject.announce, { type: 'announce', member: self } satisfies MembershipMessage)
  const probe = (): void => send(subject.probe, { from: self.node } satisfies ProbeMessage)

  const failCallsTo = (node: string, why: string): void => {
    for (const call of [...outgoing]) {
      if (call.node === node) call.pending.reject(new ClusterError('node_lost', `node ${node} ${why}`))
    }
  }

  table.onChange((_members, lost) => {
    for (const node of lost) {
      failCallsTo(node, 'left during the call')
      for (const call of served.values()) if (call.from === node) call.controller.abort()
    }
  })

  nc.subscribe(subject.announce, {
    callback: (_err, msg) => {
      const message = parse<MembershipMessage>(msg)
      if (message?.type === 'announce' && isMember(message.member)) table.upsert(message.member)
      else if (message?.type === 'leave' && typeof message.node === 'string') table.remove(message.node)
    },
  })
  nc.subscribe(subject.probe, { callback: () => announce() })
  nc.subscribe(`${inboxPrefix}.*`, { callback: (_err, msg) => replyRoutes.get(msg.subject)?.(msg) })
  nc.subscribe(subject.cancel(self.node), {
    callback: (_err, msg) => {
      const inbox = parse<CancelMessage>(msg)?.inbox
      if (typeof inbox === 'string') served.get(inbox)?.controller.abort()
    },
  })
  nc.subscribe(subject.nodeWildcard(self.node), {
    callback: (_err, msg) => {
      const method = subject.methodOf(msg.subject, self.node)
      if (method !== undefined && msg.reply) serveCall(method, msg.reply, parse<CallRequest>(msg))
    },
  })

  function serveCall(method: string, inbox: string, request: CallRequest | undefined): void {
    const reply = (message: ReplyMessage): void => send(inbox, message)
    const handler = handlers.get(method)
    if (!request || typeof request.from !== 'string') {
      reply({ type: 'error', message: `malformed request for ${method}` })
      return
    }
    if (!handler) {
      reply({ type: 'error', message: `no method ${method} on ${self.node}` })
      return
    }
    const controller = new AbortController()
    served.set(inbox, { from: request.from, controller })
    // No `alive` on arrival: the caller's watchdog counts from when it called, and the
    // heartbeat pings well within it (a message per call per region saved).
    let seq = 0
    const emit = (body: unknown): void => {
      if (!controller.signal.aborted) send(inbox, replyText('message', body, seq++))
    }
    Promise.resolve()
      .then(() => handler(request.body, emit, controller.signal))
      .then(
        (body) => {
          if (!controller.signal.aborted) send(inbox, replyText('result', body))
        },
        (thrown: unknown) => {
          if (!controller.signal.aborted) reply({ type: 'error', ...describeThrown(thrown) })
        },
      )
      .catch((thrown: unknown) => reply({ type: 'error', ...describeThrown(thrown) }))
      .finally(() => served.delete(inbox))
  }

  function call(node: string, method: string, payload: unknown, callOptions: CallOptions = {}) {
    if (closed) return Promise.reject(new ClusterError('aborted', `${self.node} is closed`))
    if (!table.has(node)) return Promise.reject(new ClusterError('unknown_node', `no member ${node}`))
    const inbox = `${inboxPrefix}.${++callCount}`
    const pending = startPendingCall(node, method, callOptions, () =>
      send(subject.cancel(node), { inbox } satisfies CancelMessage),
    )
    const entry: OutgoingCall = { node, pending, heardAt: Date.now(), nextSeq: 0 }
    replyRoutes.set(inbox, (msg) => {
      const reply = parse<ReplyMessage>(msg)
      if (!reply) return
      entry.heardAt = Date.now()
      if (reply.type === 'message') {
        if (reply.seq !== entry.nextSeq) {
          pending.reject(new ClusterError('node_lost', `messages from ${node} were lost in transit`))
          return
        }
        entry.nextSeq++
        pending.deliver(reply.body)
      } else if (reply.type === 'result') pending.resolve(reply.body)
      else if (reply.type === 'error') pending.reject(remoteError(node, method, reply))
    })
    outgoing.add(entry)
    pending.onSettled(() => {
      outgoing.delete(entry)
      replyRoutes.delete(inbox)
    })
    try {
      const body = encodeJson(payload)
      const request = `{"from":${JSON.stringify(self.node)}${body === undefined ? '' : `,"body":${body}`}}`
      nc.publish(subject.call(node, method), request, { reply: inbox })
    } catch (thrown) {
      pending.reject(new ClusterError('node_lost', `could not send ${method} to ${node}: ${String(thrown)}`))
    }
    return pending.promise
  }

  const tick = (): void => {
    const now = Date.now()
    announce()
    table.expire(now - memberTimeoutMs)
    for (const inbox of served.keys()) send(inbox, { type: 'alive' } satisfies ReplyMessage)
    for (const call of [...outgoing]) {
      if (now - call.heardAt > memberTimeoutMs) {
        call.pending.reject(
          new ClusterError('node_lost', `no word from ${call.node} for ${now - call.heardAt} ms`),
        )
      }
    }
  }
  const heartbeat = setInterval(tick, heartbeatMs)
  heartbeat.unref()

  void (async () => {
    for await (const status of nc.status()) {
      // Whoever missed us while NATS was away hears from us again at once, and we from them.
      if (status.type === 'reconnect' && !closed) {
        announce()
        probe()
      }
    }
  })().catch(() => {})

  void nc.closed().then(() => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    for (const call of [...outgoing])
      call.pending.reject(new ClusterError('node_lost', 'NATS connection closed'))
    table.clear()
  })

  announce()
  probe()
  await nc.flush()

  return {
    self,
    members: () => table.list(),
    onMembership: (listener) => table.subscribe(listener),
    serve(method, handler) {
      subject.call(self.node, method)
      handlers.set(method, handler)
    },
    call,
    async close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      send(subject.announce, { type: 'leave', node: self.node } satisfies MembershipMessage)
      for (const call of served.values()) call.controller.abort()
      for (const call of [...outgoing])
        call.pending.reject(new ClusterError('aborted', `${self.node} closed`))
      table.clear()
      await drainWithin(nc, 2000)
    },
  }
}

/**
 * A `message` or `result` reply (nats-protocol.ts) as JSON text, its body spliced in as
 * encoded once (a `JsonText` body is not encoded again).
 */
function replyText(type: 'message' | 'result', body: unknown, seq?: number): string {
  const text = encodeJson(body)
  const head = seq === undefined ? `{"type":"${type}"` : `{"type":"${type}","seq":${seq}`
  return text === undefined ? `${head}}` : `${head},"body":${text}}`
}

function parse<T>(msg: Msg): T | undefined {
  try {
    return msg.json<T>()
  } catch {
    return undefined
  }
}

/** Drain flushes the leave message; if NATS is unreachable, give up and close. */
async function drainWithin(nc: NatsConnection, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  try {
    const outcome = await Promise.race([nc.drain().then(() => 'drained' as const), timedOut])
    if (outcome === 'timeout') await nc.close()
  } catch {
    if (!nc.isClosed()) await nc.close()
  } finally {
    clearTimeout(timer)
  }
}
