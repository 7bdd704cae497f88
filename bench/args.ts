/**
 * The command line of `npm run bench`: section names, and two options.
 *
 *   npm run bench                                  every section
 *   npm run bench -- store late                    those two
 *   npm run bench -- --baseline main store         store here, then store as main has it, compared
 *   npm run bench -- --json bench/results/run.json every section, all figures also written to that file
 *
 * A bad command line is an error that says what was wrong, before anything runs.
 */
import { parseArgs } from 'node:util'

export interface BenchArgs {
  sections: string[]
  /** a git ref (branch, tag, commit) to run each chosen section of, beside this tree's */
  baseline?: string
  /** a file to write every figure to, as JSON */
  json?: string
}

export function parseBenchArgs(argv: string[], known: string[]): BenchArgs {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; usage: npm run bench -- [--baseline <git-ref>] [--json <file>] [section ...]`,
    )
  }
  const { values, positionals } = parsed
  const unknown = positionals.filter((name) => !known.includes(name))
  if (unknown.length > 0)
    throw new Error(`unknown section ${unknown.join(', ')}; choose from ${known.join(', ')}`)
  const args: BenchArgs = { sections: positionals }
  for (const option of ['baseline', 'json'] as const) {
    const value = values[option]
    if (value === undefined) continue
    if (value === '' || value.startsWith('-')) throw new Error(`--${option} needs a value, got "${value}"`)
    args[option] = value
  }
  return args
}

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: { baseline: { type: 'string' }, json: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
