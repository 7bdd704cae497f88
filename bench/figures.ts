/**
 * A section's figures as flat `key → number` pairs, so two runs (this tree and a baseline,
 * or today's run and one saved with `--json`) line up key by key. A section returns what it
 * measured in whatever shape suits it — `{ p50Ms: 3 }`, `{ sqlite: { listP50Ms: 1.2 } }`,
 * or nothing at all — and the nesting becomes a dotted key:
 *
 *   flattenFigures({ sqlite: { listP50Ms: 1.2, nice: null }, events: 40, label: 'x' })
 *   // { 'sqlite.listP50Ms': 1.2, 'sqlite.nice': null, events: 40 }
 *
 * A number that JSON cannot carry (NaN, ±Infinity) and an explicit `null` become `null`: a
 * figure the section could not measure, shown as "—"; a bare number is the figure `value`.
 * Strings, booleans and `undefined` are not figures and are left out.
 */

export type Figures = Record<string, number | null>

export function flattenFigures(value: unknown): Figures {
  const out: Figures = {}
  const visit = (node: unknown, key: string): void => {
    if (typeof node === 'number') out[key === '' ? 'value' : key] = Number.isFinite(node) ? node : null
    else if (node === null) {
      if (key !== '') out[key] = null
    } else if (Array.isArray(node))
      node.forEach((item, i) => {
        visit(item, key === '' ? String(i) : `${key}.${i}`)
      })
    else if (typeof node === 'object') {
      for (const [name, item] of Object.entries(node)) visit(item, key === '' ? name : `${key}.${name}`)
    }
  }
  visit(value, '')
  return out
}

/** Parses figures read back from JSON (a child's result, a saved run): only `key → number | null` passes. */
export function parseFigures(value: unknown, where: string): Figures {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: figures must be an object of numbers`)
  const out: Figures = {}
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item !== 'number') throw new Error(`${where}: figure ${key} is not a number`)
    out[key] = item
  }
  return out
}
