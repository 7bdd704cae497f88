/**
 * A small argument parser for our handful of flags — enough that a typo is a clear
 * usage error (exit 2) instead of a silently ignored option.
 *
 *   parseArgs(['https://x.com', '--region', 'ord', '--json'], { region: 'list', json: 'flag' })
 *   // → { positionals: ['https://x.com'], options: { region: ['ord'], json: true } }
 */
export type FlagKind = 'flag' | 'value' | 'list'

export interface ParsedArgs {
  positionals: string[]
  options: Record<string, string | string[] | boolean>
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: Record<string, FlagKind>): ParsedArgs {
  const positionals: string[] = []
  const options: ParsedArgs['options'] = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2)
    const kind = spec[name]
    if (!kind) throw new UsageError(`Unknown option --${name}.`)
    if (kind === 'flag') {
      options[name] = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`)
    if (kind === 'list') {
      const list = (options[name] as string[] | undefined) ?? []
      options[name] = [...list, ...value.split(',').filter(Boolean)]
    } else options[name] = value
  }
  return { positionals, options }
}
