/**
 * `wps run <url> [--region R ...] [--runs N] [--device D] [--connectivity NAME] [--repeat-view] [--lighthouse] [--json]
 * [--har FILE] [--budget FILE] [--junit FILE] [--verbose]`: one test without a server, on an in-process node.
 * Progress goes to stderr, each line with the time since the start; the result to stdout (a
 * table, or with --json exactly what `GET /api/tests/:id` returns); with --har the test as a
 * HAR 1.2 file, as `GET /api/tests/:id/har` gives it. Exit codes are usage.ts's EXIT_CODES: 0
 * every region completed with an HTTP status below 400 and within its budget (budget.ts: every
 * region × limit), 1 otherwise, 2 on a usage error (a bad budget file too), 130/143
 * when interrupted (Ctrl-C, SIGTERM) — a CI job stopped by its timeout must not pass.
 *
 *   $ wps run example.com --runs 3
 *   [  0.0 s] Testing https://example.com/ from local
 *   [  0.9 s] local  Loading page (run 1 of 3)
 */

import { writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { toHar } from '../speedtest/har.ts'
import type { SpeedTest } from '../speedtest/model.ts'
import { MAX_RUNS } from '../speedtest/protocol.ts'
import { parseTestSettings } from '../speedtest/test-settings.ts'
import { parseArgs, UsageError } from './args.ts'
import { budgetLines, junitXml, readBudgetFile } from './budget-report.ts'
import { readConfig } from './config.ts'
import { lighthouseLines } from './lighthouse-report.ts'
import { startNode } from './node.ts'
import { elapsedPrefix, exitCodeFor, progressLine, resultTable } from './report.ts'
import { onShutdownSignal, signalExitCode } from './signals.ts'

function parseRuns(value: string): number {
  const runs = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!(runs >= 1 && runs <= MAX_RUNS)) {
    throw new UsageError(`--runs must be a whole number from 1 to ${MAX_RUNS}, got "${value}".`)
  }
  return runs
}

const STOP_RUNNING_WITHIN_MS = 1000

export async function run(argv: string[]): Promise<number> {
  const start = performance.now()
  const { positionals, options } = parseArgs(argv, {
    region: 'list',
    json: 'flag',
    har: 'value',
    runs: 'value',
    device: 'value',
    connectivity: 'value',
    lighthouse: 'flag',
    verbose: 'flag',
    budget: 'value',
    junit: 'value',
    'repeat-view': 'flag',
  })
  if (positionals.length !== 1)
    throw new UsageError('wps run needs exactly one URL, e.g. `wps run example.com`.')
  const runs = typeof options.runs === 'string' ? parseRuns(options.runs) : undefined
  // A bad budget file is a usage error before anything starts.
  const budget = typeof options.budget === 'string' ? readBudgetFile(options.budget) : undefined
  const junit = typeof options.junit === 'string' ? options.junit : undefined
  if (junit && !budget) throw new UsageError('--junit FILE writes the budget checks: give --budget FILE too.')
  const harFile = typeof options.har === 'string' ? options.har : undefined
  if (harFile === '') throw new UsageError('--har needs a file name, e.g. `--har result.har`.')
  const settings = parseTestSettings({ device: options.device, connectivity: options.connectivity })
  if (!settings.ok) {
    const { field, allowed, got } = settings
    throw new UsageError(`--${field} must be one of ${allowed.join(', ')}, got "${String(got)}".`)
  }
  const { device, connectivity } = settings.settings
  const say = (line: string) => console.error(`${elapsedPrefix(start)} ${line}`)
  // In-process runners by default: one test needs no process isolation, and starts faster.
  // …and tests kept in memory unless WPS_DATA_DIR or DATABASE_URL asks for them to be kept.
  const config = readConfig(process.env, { backend: 'local', memoryStore: true })
  // Interrupted, the measurement still running is not waited for: its runner and browser stop within a second.
  const node = await startNode(config, {
    shutdownTimeoutMs: STOP_RUNNING_WITHIN_MS,
    ...(options.verbose ? {} : { poolLog: false as const }),
  })
  onShutdownSignal(
    async (signal) => {
      say(`${signal === 'SIGINT' ? 'Interrupted' : signal}: stopping…`)
      await node.stop()
    },
    { exitCode: signalExitCode },
  )
  try {
    const regions = options.region as string[] | undefined
    const available = [...new Set(node.cluster.members().map((m) => m.region))].sort()
    const unknown = (regions ?? []).filter((r) => !available.includes(r))
    if (unknown.length > 0) {
      throw new UsageError(
        `--region ${unknown.join(', ')}: no node measures from ${unknown.length > 1 ? 'those regions' : 'that region'} here. ` +
          `Available: ${available.join(', ')}. (\`wps regions\` lists every code a node can be started with.)`,
      )
    }
    const started = await node.speedTests.start({
      url: positionals[0],
      regions,
      runs,
      budget,
      device,
      connectivity,
      ...(options['repeat-view'] ? { repeatView: true } : {}),
      ...(options.lighthouse ? { lighthouse: true } : {}),
    })
    if (!started.ok) {
      console.error(`error (${started.error.code}): ${started.error.message}`)
      return started.error.code === 'invalid_url' || started.error.code === 'bad_request' ? 2 : 1
    }
    say(`Testing ${started.test.url} from ${started.test.results.map((r) => r.region).join(', ')}`)
    const test = await new Promise<SpeedTest>((resolve) => {
      void node.speedTests.subscribe(started.test.id, (event) => {
        if (event.type === 'region') say(progressLine(event.result))
        else resolve(event.test)
      })
    })
    console.log(options.json ? JSON.stringify(test, null, 2) : resultTable(test))
    const audits = lighthouseLines(test)
    // Like the budget verdict: in the JSON already, so as text it goes to stderr with --json.
    if (audits.length > 0) (options.json ? console.error : console.log)(audits.join('\n'))
    const verdict = budgetLines(test)
    // The verdict is in the JSON already; as text it goes to stderr so stdout stays one JSON document.
    if (verdict.length > 0) (options.json ? console.error : console.log)(verdict.join('\n'))
    if (junit) writeFileSync(junit, junitXml(test))
    if (harFile !== undefined) {
      try {
        await writeFile(harFile, JSON.stringify(toHar(test), null, 2))
        say(`HAR written to ${harFile}`)
      } catch (error) {
        // The result is printed above either way: say why the file is missing, and fail.
        console.error(`error: could not write ${harFile}: ${error instanceof Error ? error.message : error}`)
        return 1
      }
    }
    return exitCodeFor(test)
  } finally {
    await node.stop()
  }
}
