/**
 * `wps <command>`: the one binary of World Page Speed. Each command lives in its own
 * module; this file only dispatches and turns errors into exit codes.
 *
 *   wps serve [--port N]            the web app and API
 *   wps run <url> [--region R] [--runs N] [--json]
 *   wps dev --regions ord,fra,syd   a local multi-region cluster
 *   wps runner                      started by pool backends, not by people
 */
import { UsageError } from './args.ts'
import { ConfigError } from './config.ts'

const USAGE = `World Page Speed — watch a page load from every region at once.

Usage:
  wps serve [--port N] [--host H] [--latency MS]   serve the web page and API (PORT, HOST env)
  wps run <url> [--region R ...] [--runs N] [--json]  test one URL without a server
  wps dev --regions a,b,c [--port N] [--target R]  a local multi-region cluster (NATS + one node per region)
  wps runner                                       runner entry point started by pool backends

Configuration is read from the environment; see README.md.`

type Command = (argv: string[]) => Promise<number>

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serve,
  run: async () => (await import('./run.ts')).run,
  dev: async () => (await import('./dev.ts')).dev,
  runner: async () => (await import('./runner.ts')).runner,
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE)
    return name ? 0 : 2
  }
  const load = COMMANDS[name]
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`)
    return 2
  }
  try {
    return await (await load())(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`)
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
