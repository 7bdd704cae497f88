/**
 * The DevTools protocol over the pipe of a Chromium started with `--remote-debugging-pipe`:
 * each message is JSON ended by a NUL byte, written to the browser's fd 3 and read from its
 * fd 4. puppeteer speaks over any `ConnectionTransport`; this one lets us start Chromium
 * ourselves, before puppeteer is even loaded, and hand the pipe to `puppeteer.connect`.
 *
 *   const child = spawn(chrome, [...args, '--remote-debugging-pipe'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] })
 *   const transport = new PipeTransport(child.stdio[3] as Writable, child.stdio[4] as Readable)
 *   const browser = await puppeteer.connect({ transport })
 */
import type { Readable, Writable } from 'node:stream'
import type { ConnectionTransport } from 'puppeteer-core'

export class PipeTransport implements ConnectionTransport {
  onmessage?: (message: string) => void
  onclose?: () => void
  readonly #write: Writable
  #pending: Buffer[] = []
  #closed = false

  constructor(write: Writable, read: Readable) {
    this.#write = write
    read.on('data', (chunk: Buffer) => this.#receive(chunk))
    read.on('close', () => {
      this.#closed = true
      this.onclose?.()
    })
    // A browser that dies mid-write: 'close' reports the end.
    read.on('error', () => {})
    write.on('error', () => {})
  }

  send(message: string): void {
    if (this.#closed) return
    this.#write.write(message)
    this.#write.write('\0')
  }

  close(): void {
    this.#closed = true
    this.#write.end()
  }

  #receive(chunk: Buffer): void {
    let start = 0
    let end = chunk.indexOf(0)
    if (end === -1) {
      this.#pending.push(chunk)
      return
    }
    while (end !== -1) {
      const message = Buffer.concat([...this.#pending, chunk.subarray(start, end)]).toString()
      this.#pending = []
      // Delivered on a later turn, as puppeteer's own pipe transport does: its handlers expect it.
      setImmediate(() => this.onmessage?.(message))
      start = end + 1
      end = chunk.indexOf(0, start)
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start))
  }
}
