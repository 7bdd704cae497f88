/**
 * How `wps run --budget` reports: the budget file read in the CLI's own words, one line
 * per region × limit that failed (with value and limit) for the terminal, and JUnit XML
 * (`--junit FILE`) with one test case per region × limit, which CI systems render as a
 * test report. Pure functions of the data, besides reading the file.
 *
 *   const budget = readBudgetFile('budget.json')        // UsageError (exit 2) when bad
 *   budgetLines(test)   // → ['Budget: 2 of 6 checks failed', '  syd  lcp 4.21 s > 4.00 s', …]
 *   junitXml(test)      // → '<?xml …?><testsuites …><testsuite name="budget https://…">…'
 */
import { readFileSync } from 'node:fs'
import type { Budget, BudgetCheck } from '../speedtest/budget.ts'
import { parseBudget } from '../speedtest/budget.ts'
import type { SpeedTest } from '../speedtest/model.ts'
import { UsageError } from './args.ts'
import { formatBytes, formatMs } from './report.ts'

export function readBudgetFile(path: string): Budget {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      `--budget ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}.`,
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--budget ${path}: not JSON (${(error as Error).message}).`)
  }
  const parsed = parseBudget(json)
  if (!parsed.ok) throw new UsageError(`--budget ${path}: ${parsed.message}`)
  return parsed.budget
}

/** A check's number in its own unit: ms for timings, bytes, a count, or CLS's plain score. */
export function formatValue(metric: string, value: number | null): string {
  if (value === null) return 'not measured'
  if (metric === 'cls') return value.toFixed(3)
  if (metric === 'requests') return String(value)
  if (metric === 'transferBytes') return formatBytes(value)
  return formatMs(value)
}

const describe = (check: BudgetCheck): string =>
  `${check.metric} ${formatValue(check.metric, check.value)} ${check.value === null ? 'for' : '>'} ${formatValue(check.metric, check.limit)}`

/** Empty when the test had no budget; otherwise a summary and every failed region × limit. */
export function budgetLines(test: SpeedTest): string[] {
  const judged = test.results.filter((row) => row.budget)
  if (judged.length === 0) return []
  const checks = judged.flatMap((row) => row.budget?.checks ?? [])
  const failed = judged.flatMap((row) =>
    (row.budget?.checks ?? []).filter((c) => !c.passed).map((c) => `  ${row.region}  ${describe(c)}`),
  )
  if (failed.length === 0) return [`Budget: all ${checks.length} checks passed`]
  return [`Budget: ${failed.length} of ${checks.length} checks failed`, ...failed]
}

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  )

/** JUnit XML: a suite for the test, a case per region × limit (classname = region), failures with value and limit. */
export function junitXml(test: SpeedTest): string {
  const cases = test.results.flatMap((row) =>
    (row.budget?.checks ?? []).map((check) => ({ region: row.region, node: row.node, check })),
  )
  const failures = cases.filter((c) => !c.check.passed).length
  const lines = cases.map(({ region, check }) => {
    const name = escapeXml(`${check.metric} ≤ ${formatValue(check.metric, check.limit)}`)
    const open = `    <testcase classname="${escapeXml(region)}" name="${name}">`
    if (check.passed)
      return `${open}<system-out>${escapeXml(formatValue(check.metric, check.value))}</system-out></testcase>`
    const message = escapeXml(`${region}: ${describe(check)}`)
    return `${open}<failure message="${message}" type="budget_exceeded">${message}</failure></testcase>`
  })
  const suite = escapeXml(`budget ${test.url}`)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wps run" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="0" timestamp="${escapeXml(test.createdAt)}">`,
    ...lines,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
