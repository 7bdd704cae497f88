/**
 * Frames: how protocol messages cross a link that carries bounded packets (NATS's
 * default payload limit is 1 MB; a result with a network log and screenshots can be
 * several MB).
 *
 * A message is structured-cloned to bytes (`v8.serialize`, the same format Node's
 * `serialization: 'advanced'` IPC uses: Dates, Maps, typed arrays and errors survive;
 * functions throw at once, before anything is sent), cut into data frames no larger
 * than the link allows, and numbered. The receiver glues frames back together and
 * checks the numbers: a missing or repeated frame is a broken link, never a corrupt
 * message. Control frames (hello, welcome, reject, beat, bye) are small JSON.
 *
 *   const out = new FrameWriter(900_000)
 *   for (const frame of out.frames({ t: 'ok', id: 1, value: bigResult })) publish(frame)
 *
 *   const inbox = new FrameReader()
 *   const frame = decodeFrame(bytes)
 *   if (frame.kind === 'data') {
 *     const message = inbox.push(frame)   // undefined until the last chunk; throws WireError on a gap
 *   }
 *
 * Data frame: [4][flags: 1 = last chunk][seq: uint32 BE][bytes…]. Control frame:
 * [kind][JSON…].
 */

import { deserialize, serialize } from 'node:v8'

const KIND = { hello: 1, welcome: 2, reject: 3, data: 4, beat: 5, bye: 6 } as const
const DATA_HEADER = 6

/** The runner's first message: who it is, which protocol it speaks, and its one-time token. */
export interface Hello {
  kind: 'hello'
  v: number
  runnerId: string
  token: string
}

export type Control =
  | Hello
  | { kind: 'welcome' }
  | { kind: 'reject'; reason: string }
  | { kind: 'beat' }
  | { kind: 'bye'; code: number; reason: string }

export interface DataFrame {
  kind: 'data'
  seq: number
  last: boolean
  body: Uint8Array
}

export type Frame = Control | DataFrame

export class WireError extends Error {
  override name = 'WireError'
}

export function encodeControl(control: Control): Uint8Array {
  const { kind, ...rest } = control
  const json = Buffer.from(JSON.stringify(rest))
  const frame = Buffer.allocUnsafe(1 + json.length)
  frame[0] = KIND[kind]
  json.copy(frame, 1)
  return frame
}

export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) throw new WireError('empty frame')
  const kind = bytes[0]
  if (kind === KIND.data) {
    if (bytes.length < DATA_HEADER) throw new WireError('short data frame')
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return {
      kind: 'data',
      last: (bytes[1]! & 1) === 1,
      seq: view.getUint32(2),
      body: bytes.subarray(DATA_HEADER),
    }
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(bytes.subarray(1)).toString('utf8'))
  } catch {
    throw new WireError(`control frame ${kind} is not JSON`)
  }
  const field = (name: string): unknown =>
    typeof body === 'object' && body ? Reflect.get(body, name) : undefined
  switch (kind) {
    case KIND.hello: {
      const v = field('v')
      const runnerId = field('runnerId')
      const token = field('token')
      if (typeof v !== 'number' || typeof runnerId !== 'string' || typeof token !== 'string')
        throw new WireError('malformed hello')
      return { kind: 'hello', v, runnerId, token }
    }
    case KIND.welcome:
      return { kind: 'welcome' }
    case KIND.reject:
      return { kind: 'reject', reason: String(field('reason') ?? 'rejected') }
    case KIND.beat:
      return { kind: 'beat' }
    case KIND.bye: {
      const code = field('code')
      return { kind: 'bye', code: typeof code === 'number' ? code : 0, reason: String(field('reason') ?? '') }
    }
    default:
      throw new WireError(`unknown frame kind ${kind}`)
  }
}

/** One direction's outgoing numbering and chunking. */
export class FrameWriter {
  private seq = 0

  constructor(private readonly maxFrameBytes: number) {
    if (maxFrameBytes <= DATA_HEADER) throw new Error(`frames of ${maxFrameBytes} bytes cannot carry data`)
  }

  /** Serialize `message` and cut it into frames. Throws (and numbers nothing) if it cannot be cloned. */
  frames(message: unknown): Uint8Array[] {
    const bytes = serialize(message)
    const room = this.maxFrameBytes - DATA_HEADER
    const count = Math.max(1, Math.ceil(bytes.length / room))
    const frames: Uint8Array[] = []
    for (let i = 0; i < count; i++) {
      const chunk = bytes.subarray(i * room, (i + 1) * room)
      const frame = Buffer.allocUnsafe(DATA_HEADER + chunk.length)
      frame[0] = KIND.data
      frame[1] = i === count - 1 ? 1 : 0
      frame.writeUInt32BE(this.seq, 2)
      this.seq = (this.seq + 1) >>> 0
      chunk.copy(frame, DATA_HEADER)
      frames.push(frame)
    }
    return frames
  }
}

/** One direction's incoming reassembly, in order, checking that no frame is missing. */
export class FrameReader {
  private expected = 0
  private parts: Uint8Array[] = []

  /** The whole message when `frame` completes one, else undefined. Throws WireError on a gap. */
  push(frame: DataFrame): unknown {
    if (frame.seq !== this.expected) {
      throw new WireError(`frame ${frame.seq} arrived where ${this.expected} was due: the link lost data`)
    }
    this.expected = (this.expected + 1) >>> 0
    this.parts.push(frame.body)
    if (!frame.last) return undefined
    const whole = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)
    this.parts = []
    return deserialize(whole)
  }
}
