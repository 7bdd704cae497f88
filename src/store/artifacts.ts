/**
 * Where large per-row data lives: the network log today, screenshots and HAR files next.
 * Keeping it out of the rows keeps results small and the history fast to list; a row
 * refers to its artifacts by name, and a full read of a test brings them back.
 *
 *   const files = new FileArtifacts('./data/artifacts')
 *   const placed = await files.write('k3x…', 'ord-1', 'entries', json)   // → { path: 'k3x…/…', content: null } (≥ 64 KiB)
 *   await files.read(placed)                                             // → json
 *
 * Two places, one table (`artifacts`, which always holds the name and size):
 * - `FileArtifacts`: files under the data folder (SQLite, one node: beside the database)
 *   for large data; data under `inlineBelowBytes` (64 KiB: a typical network log, a
 *   small image) stays in the table, committed with its row — a file of its own would
 *   cost a directory, a write, an fsync and a rename per row, the most expensive part of
 *   storing a row, for data no bigger than the row itself.
 * - `DatabaseArtifacts`: in the table itself (PostgreSQL shared by nodes on different
 *   machines, which share no disk; and the in-memory store).
 * A file is written whole to a temporary name and renamed, so a crash never leaves a
 * half-written artifact under its real name.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'

export interface PlacedArtifact {
  path: string | null
  content: string | null
}

export interface ArtifactPlace {
  write(testId: string, node: string, name: string, data: string): Promise<PlacedArtifact>
  read(placed: PlacedArtifact): Promise<string>
  /** Frees what `write` stored outside the database for these tests. */
  remove(testIds: readonly string[]): Promise<void>
}

export class DatabaseArtifacts implements ArtifactPlace {
  async write(_testId: string, _node: string, _name: string, data: string): Promise<PlacedArtifact> {
    return { path: null, content: data }
  }

  async read(placed: PlacedArtifact): Promise<string> {
    if (placed.content === null) throw new Error('artifact has no content in the database')
    return placed.content
  }

  async remove(): Promise<void> {}
}

/** Below this many bytes (UTF-16 code units, a bound on nothing but cost) an artifact stays in the table. */
export const INLINE_BELOW_BYTES = 64 * 1024

export class FileArtifacts implements ArtifactPlace {
  readonly #root: string
  readonly #inlineBelow: number

  constructor(root: string, options: { inlineBelowBytes?: number } = {}) {
    this.#root = resolve(root)
    this.#inlineBelow = options.inlineBelowBytes ?? INLINE_BELOW_BYTES
  }

  async write(testId: string, node: string, name: string, data: string): Promise<PlacedArtifact> {
    if (data.length < this.#inlineBelow) return { path: null, content: data }
    const relative = join(safeSegment(testId), `${safeSegment(node)}.${safeSegment(name)}.json`)
    const file = this.#inside(relative)
    await mkdir(join(file, '..'), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    await writeFile(temporary, data, { flush: true })
    await rename(temporary, file)
    return { path: relative, content: null }
  }

  async read(placed: PlacedArtifact): Promise<string> {
    if (placed.path !== null) return readFile(this.#inside(placed.path), 'utf8')
    // Small, or written while the store kept artifacts in the database.
    if (placed.content !== null) return placed.content
    throw new Error('artifact has neither a file nor content')
  }

  async remove(testIds: readonly string[]): Promise<void> {
    for (const id of testIds) await rm(this.#inside(safeSegment(id)), { recursive: true, force: true })
  }

  /** A path from the table must stay inside the artifact folder, whatever the table says. */
  #inside(relative: string): string {
    const full = resolve(this.#root, relative)
    if (!full.startsWith(this.#root + sep)) throw new Error(`artifact path escapes its folder: ${relative}`)
    return full
  }
}

/** Node ids and names become file names: keep them readable when they are plain, hashed when not. */
function safeSegment(value: string): string {
  if (/^[A-Za-z0-9_-]{1,80}$/.test(value)) return value
  const readable = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)
  return `${readable}-${createHash('sha256').update(value).digest('hex').slice(0, 12)}`
}
