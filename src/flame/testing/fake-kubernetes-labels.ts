/**
 * Labels as the Kubernetes API server checks and selects them: what a label key and
 * value may be, and the label selector grammar of `?labelSelector=` — equality (`a=b`,
 * `a==b`), inequality (`a!=b`), existence (`a`, `!a`) and set membership
 * (`a in (x,y)`, `a notin (x,y)`), requirements joined by commas.
 *
 *   const matches = parseLabelSelector('app=wps,tier in (browser,api),!canary')
 *   matches.every((r) => r({ app: 'wps', tier: 'browser' }))   // → true
 *   parseLabelSelector('a=b=c')                                 // throws LabelSelectorError
 */

export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
export const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/

export type Requirement = (labels: Record<string, string>) => boolean

/** A selector the API server would refuse; its message is the server's. */
export class LabelSelectorError extends Error {}

/** The label selector grammar of the API server: equality, inequality, existence, set membership. */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of selector) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim() || parts.length) parts.push(current)
  return parts.map((raw): Requirement => {
    const part = raw.trim()
    const bad = (): never => {
      throw new LabelSelectorError(`unable to parse requirement: invalid label selector "${part}"`)
    }
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part)
    if (set) {
      const [, key, op, list] = set as unknown as [string, string, string, string]
      const values = new Set(list.split(',').map((v) => v.trim()))
      if (!LABEL_KEY.test(key)) bad()
      return op === 'in'
        ? (l) => l[key] !== undefined && values.has(l[key])
        : (l) => l[key] === undefined || !values.has(l[key])
    }
    const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s!=]*)$/.exec(part)
    if (cmp) {
      const [, key, op, value] = cmp as unknown as [string, string, string, string]
      if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) bad()
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value
    }
    const exists = /^(!?)([^\s!=]+)$/.exec(part)
    if (exists) {
      const [, not, key] = exists as unknown as [string, string, string]
      if (!LABEL_KEY.test(key)) bad()
      return not ? (l) => l[key] === undefined : (l) => l[key] !== undefined
    }
    return bad()
  })
}
