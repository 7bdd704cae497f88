import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { decodeFrame, encodeControl, FrameReader, FrameWriter, WireError } from './wire.ts'

function roundTrip(message: unknown, maxFrame: number): { frames: number; back: unknown } {
  const writer = new FrameWriter(maxFrame)
  const reader = new FrameReader()
  const frames = writer.frames(message)
  let back: unknown
  for (const [i, bytes] of frames.entries()) {
    assert.ok(bytes.length <= maxFrame, `frame ${i} is ${bytes.length} bytes`)
    const frame = decodeFrame(bytes)
    assert.equal(frame.kind, 'data')
    if (frame.kind !== 'data') continue
    const out = reader.push(frame)
    if (i < frames.length - 1) assert.equal(out, undefined)
    else back = out
  }
  return { frames: frames.length, back }
}

describe('wire frames', () => {
  it('cuts a large message into frames within the limit and glues it back intact', () => {
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17))
    const message = { t: 'ok', id: 3, value: { bytes, when: new Date(5), map: new Map([['k', [1, 2]]]) } }
    const { frames, back } = roundTrip(message, 64 * 1024)
    // the bytes alone need this many frames; the serialized envelope adds at most one
    const least = Math.ceil((3 * 1024 * 1024 + 17) / (64 * 1024 - 6))
    assert.ok(frames >= least && frames <= least + 1, `${frames} frames`)
    assert.deepEqual(back, message)
  })

  it('keeps messages in order across one writer and reader', () => {
    const writer = new FrameWriter(100)
    const reader = new FrameReader()
    const seen: unknown[] = []
    for (let i = 0; i < 20; i++) {
      for (const bytes of writer.frames({ i, pad: 'x'.repeat(i * 13) })) {
        const frame = decodeFrame(bytes)
        if (frame.kind !== 'data') continue
        const out = reader.push(frame)
        if (out !== undefined) seen.push(out)
      }
    }
    assert.deepEqual(
      seen.map((m) => (m as { i: number }).i),
      [...Array(20).keys()],
    )
  })

  it('refuses a gap instead of delivering a corrupt message', () => {
    const writer = new FrameWriter(50)
    const reader = new FrameReader()
    const frames = writer.frames({ text: 'y'.repeat(200) }).map(decodeFrame)
    const first = frames[0]
    const third = frames[2]
    assert.ok(first?.kind === 'data' && third?.kind === 'data')
    reader.push(first)
    assert.throws(() => reader.push(third), WireError)
  })

  it('throws before numbering anything when a value cannot be cloned', () => {
    const writer = new FrameWriter(1000)
    assert.throws(() => writer.frames({ fn: () => 1 }))
    const frame = decodeFrame(writer.frames('next')[0]!)
    assert.ok(frame.kind === 'data')
    assert.equal(frame.seq, 0)
  })

  it('carries control frames as small JSON and rejects what it does not know', () => {
    const hello = { kind: 'hello', v: 2, runnerId: 'browser-1', token: 'secret' } as const
    assert.deepEqual(decodeFrame(encodeControl(hello)), hello)
    assert.deepEqual(decodeFrame(encodeControl({ kind: 'bye', code: 70, reason: 'crash' })), {
      kind: 'bye',
      code: 70,
      reason: 'crash',
    })
    assert.throws(() => decodeFrame(new Uint8Array([99, 123, 125])), /unknown frame kind 99/)
    assert.throws(() => decodeFrame(new Uint8Array([1, 123, 125])), /malformed hello/)
  })
})
