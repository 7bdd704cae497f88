/**
 * The history's page cursor: where the last page ended, as an opaque string. Tests are
 * ordered newest first by (createdAt, id), so the cursor carries both and the next page
 * starts strictly after it — stable while new tests arrive.
 *
 *   const next = encodeCursor({ createdAt: '2026-12-01T10:00:00.000Z', id: 'k3x…' })  // 'WyIyMDI2…'
 *   decodeCursor(next)      // → { createdAt, id }
 *   decodeCursor('junk')    // → null (the route answers 400)
 */

export interface Cursor {
  createdAt: string
  id: string
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url')
}

export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null
  const [createdAt, id] = parsed
  if (typeof createdAt !== 'string' || typeof id !== 'string') return null
  if (Number.isNaN(Date.parse(createdAt)) || id === '') return null
  return { createdAt, id }
}
