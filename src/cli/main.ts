/**
 * `wps <command>`: the one binary of World Page Speed. Each command lives in its own
 * module; this file only dispatches, answers `--help` (exit 0) without starting
 * anything, and turns errors into exit codes (usage.ts lists them).
 *
 *   wps serve [--port N]            the web app and API
 *   wps run <url> [--region R] [--runs N] [--json]
 *   wps dev --regions ord,fra,syd   a local multi-region cluster
 *   wps regions                     the region catalogue
 *   wps recompute <id>              a stored test's numbers computed again from its gathered data
 *   wps runner                      started by pool backends, not by people
 */
import { UsageError } from './args.ts'
import { ConfigError } from './config.ts'
import { helpFor, isHelpFlag, USAGE } from './usage.ts'

type Command = (argv: string[]) => Promise<number>

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serve,
  run: async () => (await import('./run.ts')).run,
  dev: async () => (await import('./dev.ts')).dev,
  regions: async () => (await import('./regions.ts')).regions,
  recompute: async () => (await import('./recompute.ts')).recompute,
  runner: async () => (await import('./runner.ts')).runner,
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || isHelpFlag(name) || name === 'help') {
    const help = name === 'help' && rest[0] ? helpFor(rest[0]) : undefined
    console.log(help ?? USAGE)
    return name ? 0 : 2
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`)
    return 2
  }
  if (rest.some(isHelpFlag)) {
    console.log(helpFor(name) ?? USAGE)
    return 0
  }
  try {
    return await (await load())(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${helpFor(name) ?? USAGE}`)
      return 2
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`)
      return 2
    }
    console.error(error instanceof Error ? error.message : error)
    return 1
  }
}
