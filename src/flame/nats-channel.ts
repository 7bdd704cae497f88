/**
 * The runner's side of the network link: dial out to the parent over NATS and carry
 * the protocol as a `ParentChannel` (see `nats-link.ts` for the parent's side).
 *
 * The channel exists at once, so `serveRunner` (and its Terminator's failsafe clock)
 * starts with the process; connecting happens behind it. Until the parent has
 * welcomed this runner, what it sends waits in a queue. The first thing on the wire is
 * `hello` with the protocol version and the one-time token from `FLAME_PARENT`,
 * repeated every heartbeat until answered. After the welcome the runner beats every
 * heartbeat, so the parent notices a `kill -9` of this machine within a few beats.
 *
 *   const channel = natsParentChannel(parent, { log })
 *   const host = serveRunner({ channel, parent, exit: async (reason) => { await channel.close(0, reason); … } })
 *
 * A runner that cannot reach its parent never hears a ping, so the Terminator's
 * failsafe (default 20 s after start) stops it; one that stops hearing its parent
 * later stops after `parentTimeoutMs`. A refusal (wrong token, other protocol
 * version) or a frame gap ends the link at once.
 */

import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { ClosableParentChannel } from './backend.ts'
import { type NatsLinkInfo, type ParentInfo, PROTOCOL_VERSION } from './parent.ts'
import { type FromRunner, isToRunner, type ToRunner } from './protocol.ts'
import { type Control, decodeFrame, encodeControl, FrameReader, FrameWriter } from './wire.ts'

export interface NatsParentChannel extends ClosableParentChannel {
  /** Why the parent refused this runner, once it has. */
  readonly refused: string | undefined
}

export interface NatsChannelOptions {
  log?: (line: string) => void
  /** The version to announce; only a test of version mismatch changes it. */
  version?: number
}

export function natsParentChannel(
  parent: ParentInfo & { link: NatsLinkInfo },
  options: NatsChannelOptions = {},
): NatsParentChannel {
  const { link, runnerId } = parent
  const base = `${link.subjectPrefix}.${parent.parentId}.${runnerId}`
  const log = options.log ?? (() => {})
  const queue: FromRunner[] = []
  const reader = new FrameReader()
  let writer: FrameWriter | undefined
  let nc: NatsConnection | undefined
  let welcomed = false
  let ended = false
  let refused: string | undefined
  let listener: ((m: ToRunner) => void) | undefined
  const early: ToRunner[] = []
  const onDisconnect: (() => void)[] = []
  let helloTimer: NodeJS.Timeout | undefined
  let beatTimer: NodeJS.Timeout | undefined

  const publish = (frame: Uint8Array): void => {
    if (nc && !nc.isClosed()) nc.publish(`${base}.up`, frame)
  }
  const control = (c: Control): void => publish(encodeControl(c))
  const disconnect = (why: string): void => {
    if (ended) return
    ended = true
    log(`link to parent ended: ${why}`)
    clearInterval(helloTimer)
    clearInterval(beatTimer)
    for (const l of onDisconnect.splice(0)) l()
  }
  const deliver = (m: ToRunner): void => {
    if (listener) listener(m)
    else early.push(m)
  }
  const sendNow = (m: FromRunner): void => {
    const w = writer
    if (!w) return
    for (const frame of w.frames(m)) publish(frame)
  }

  const receive = (data: Uint8Array): void => {
    if (ended) return
    let frame: ReturnType<typeof decodeFrame>
    try {
      frame = decodeFrame(data)
    } catch (err) {
      disconnect(String(err))
      return
    }
    switch (frame.kind) {
      case 'welcome':
        if (welcomed) return
        welcomed = true
        clearInterval(helloTimer)
        for (const m of queue.splice(0)) sendNow(m)
        beatTimer = setInterval(() => control({ kind: 'beat' }), parent.heartbeatMs)
        beatTimer.unref()
        return
      case 'reject':
        refused = frame.reason
        disconnect(`the parent refused this runner: ${frame.reason}`)
        return
      case 'data': {
        let message: unknown
        try {
          message = reader.push(frame)
        } catch (err) {
          disconnect(String(err))
          return
        }
        if (message === undefined) return
        if (!isToRunner(message)) {
          disconnect('a message that is not part of the protocol')
          return
        }
        deliver(message)
        return
      }
      default:
        return
    }
  }

  void (async () => {
    try {
      nc = await connect({
        servers: link.servers,
        name: `flame-runner-${runnerId}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: true,
      })
    } catch (err) {
      // the failsafe will stop this runner; say why meanwhile
      log(`cannot reach NATS at ${link.servers.join(',')}: ${err}`)
      return
    }
    if (ended) {
      await nc.close()
      return
    }
    writer = new FrameWriter(nc.info?.max_payload ?? 1024 * 1024)
    nc.subscribe(`${base}.down`, {
      callback: (err, msg) => {
        if (!err) receive(msg.data)
      },
    })
    await nc.flush()
    const hello = (): void =>
      control({ kind: 'hello', v: options.version ?? PROTOCOL_VERSION, runnerId, token: link.token })
    hello()
    helloTimer = setInterval(hello, parent.heartbeatMs)
    helloTimer.unref()
  })()

  return {
    get refused() {
      return refused
    },
    send(message) {
      if (ended) return
      if (welcomed && writer) return sendNow(message)
      // check it can be cloned now, as every other channel does, rather than at welcome
      structuredClone(message)
      queue.push(message)
    },
    onMessage(l) {
      listener = l
      for (const m of early.splice(0)) l(m)
    },
    onDisconnect(l) {
      onDisconnect.push(l)
    },
    async close(code, reason) {
      clearInterval(helloTimer)
      clearInterval(beatTimer)
      const conn = nc
      ended = true
      if (!conn || conn.isClosed()) return
      if (welcomed) control({ kind: 'bye', code, reason })
      const timer = setTimeout(() => void conn.close(), 1_000)
      await conn.flush().catch(() => {})
      await conn.close().catch(() => {})
      clearTimeout(timer)
    },
  }
}
