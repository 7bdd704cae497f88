/**
 * `wps run <url> [--region R ...] [--runs N] [--json]`: one test without a server, on an
 * in-process node. Progress goes to stderr, the result to stdout (a table, or with
 * --json exactly what `GET /api/tests/:id` returns). Exit 0 when every region completed
 * with an HTTP status below 400, 1 otherwise, 2 on a usage error.
 */
import type { SpeedTest } from '../speedtest/model.ts'
import { parseArgs, UsageError } from './args.ts'
import { readConfig } from './config.ts'
import { startNode } from './node.ts'
import { exitCodeFor, progressLine, resultTable } from './report.ts'
import { onShutdownSignal } from './signals.ts'

export async function run(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, { region: 'list', json: 'flag', runs: 'value' })
  if (positionals.length !== 1)
    throw new UsageError('wps run needs exactly one URL, e.g. `wps run example.com`.')
  // In-process runners by default: one test needs no process isolation, and starts faster.
  // …and tests kept in memory unless WPS_DATA_DIR or DATABASE_URL asks for them to be kept.
  const config = readConfig(process.env, { backend: 'local', memoryStore: true })
  const node = await startNode(config)
  onShutdownSignal(async () => {
    await node.stop()
  })
  try {
    const runs = options.runs === undefined ? undefined : Number(options.runs)
    const started = await node.speedTests.start({ url: positionals[0], regions: options.region, runs })
    if (!started.ok) {
      console.error(`error (${started.error.code}): ${started.error.message}`)
      return started.error.code === 'invalid_url' || started.error.code === 'bad_request' ? 2 : 1
    }
    console.error(`Testing ${started.test.url} from ${started.test.results.map((r) => r.region).join(', ')}`)
    const test = await new Promise<SpeedTest>((resolve) => {
      void node.speedTests.subscribe(started.test.id, (event) => {
        if (event.type === 'region') console.error(progressLine(event.result))
        else resolve(event.test)
      })
    })
    console.log(options.json ? JSON.stringify(test, null, 2) : resultTable(test))
    return exitCodeFor(test)
  } finally {
    await node.stop()
  }
}
