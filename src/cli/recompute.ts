/**
 * `wps recompute <id> [--json] [--write] [--tbt-threshold MS]`: a stored test's numbers
 * computed again from the raw data its rows were measured from (src/speedtest/recompute.ts),
 * offline, with no browser. It reads the store a node of this machine writes
 * (`WPS_DATA_DIR`, default ./data, or `DATABASE_URL`), prints the stored and recomputed
 * numbers of each row one above the other (or, with --json, both as JSON) and with
 * --write keeps the recomputed numbers as the rows' own. `--tbt-threshold` computes TBT
 * with another long-task threshold than Lighthouse's 50 ms: the same gathered data, a
 * different definition.
 *
 *   $ WPS_DATA_DIR=./data wps recompute k3xq2m9a7bcd
 *   https://example.com/
 *   region  view   numbers     ttfb   fcp    …
 *   local   first  stored      12 ms  60 ms  …
 *   local   first  recomputed  12 ms  60 ms  …
 *   Every recomputed number is the stored one.
 *
 * Exit 0 when every row was recomputed, 1 when the test is not in the store or a row
 * could not be (no artifact, or one of a version this build cannot read), 2 on a usage error.
 */

import { recomputeTest, writeRecomputed } from '../speedtest/recompute.ts'
import { openStore } from '../store/index.ts'
import { parseArgs, UsageError } from './args.ts'
import { readConfig } from './config.ts'
import { recomputeTable } from './recompute-report.ts'

function parseThreshold(value: string | string[] | boolean | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!(ms >= 0 && ms <= 10_000)) {
    throw new UsageError(
      `--tbt-threshold must be a whole number of ms from 0 to 10000, got "${String(value)}".`,
    )
  }
  return ms
}

export async function recompute(argv: string[]): Promise<number> {
  const { positionals, options } = parseArgs(argv, { json: 'flag', write: 'flag', 'tbt-threshold': 'value' })
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError('wps recompute needs exactly one test id, e.g. `wps recompute k3xq2m9a7bcd`.')
  }
  const id = positionals[0]
  const tbtThresholdMs = parseThreshold(options['tbt-threshold'])
  const config = readConfig(process.env)
  const store = await openStore(config.storage)
  try {
    const result = await recomputeTest(store, id, tbtThresholdMs === undefined ? {} : { tbtThresholdMs })
    if (!result) {
      const where = config.storage.databaseUrl
        ? 'DATABASE_URL'
        : `${config.storage.dataDir ?? './data'} (WPS_DATA_DIR)`
      console.error(`No test with id ${id} in the store at ${where}.`)
      return 1
    }
    const { updated: _updated, ...report } = result
    console.log(options.json ? JSON.stringify(report, null, 2) : recomputeTable(result))
    if (options.write) {
      const written = await writeRecomputed(store, result)
      console.error(`Stored the recomputed numbers of ${written} row${written === 1 ? '' : 's'}.`)
    }
    return result.rows.every((row) => row.view !== null) ? 0 : 1
  } finally {
    await store.close()
  }
}
