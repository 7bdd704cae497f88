/**
 * A measurement causes no network traffic but the measured page's. Each case runs one
 * real measurement under `strace` inside a fresh network namespace that has only
 * loopback (when this machine allows one: root and `unshare`), and fails on any
 * connection or datagram to an address outside loopback — a DNS lookup at the
 * machine's resolver, a background fetch, a probe — whether it succeeded or not.
 */
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { FACTS } from '../fixtures/site.ts'
import { judgeTrace } from './syscall-trace.ts'

const HELPER = fileURLToPath(new URL('./traced-measurement.ts', import.meta.url))
const TRACED = 'socket,connect,sendto,sendmsg,sendmmsg,close'

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const ownNamespace = process.getuid?.() === 0 && has('unshare', ['-n', 'true']) && has('ip', ['-V'])

interface Traced {
  stdout: string
  trace: string
}

async function traced(mode: string, timeoutMs = 60_000): Promise<Traced> {
  if (!has('strace', ['-V'])) {
    throw new Error(
      'strace is missing: `npm test` installs it when run as root; otherwise apt-get install strace',
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'wps-trace-'))
  const out = join(dir, 'trace.out')
  const strace = ['strace', '-f', '-qq', '-Y', '-e', `trace=${TRACED}`, '-o', out]
  const command = [...strace, process.execPath, '--import', 'tsx', HELPER, mode]
  const [file, args] = ownNamespace
    ? ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command]]
    : [command[0]!, command.slice(1)]
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(file, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    )
    return { stdout, trace: readFileSync(out, 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function printedJson(stdout: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout)
  assert.ok(
    parsed && typeof parsed === 'object' && !Array.isArray(parsed),
    'the helper prints one JSON object',
  )
  return parsed as Record<string, unknown>
}

describe(`a measurement reaches nothing past loopback (${ownNamespace ? 'in its own network namespace' : 'no namespace here: traced as is'})`, () => {
  for (const mode of ['private', 'guard']) {
    it(`browser and egress proxy, ${mode === 'guard' ? 'with the egress guard on' : 'private targets allowed'}`, async () => {
      const { stdout, trace } = await traced(mode)
      const measurement = printedJson(stdout)
      assert.equal(measurement.error, null)
      assert.equal(measurement.httpStatus, 200)
      assert.equal(measurement.requests, FACTS.rich.requests)
      const verdict = judgeTrace(trace)
      assert.deepEqual(verdict.violations, [])
      // The trace did see the traffic there is: browser → proxy → fixture, all on loopback.
      assert.ok(verdict.loopback >= 2, `loopback connects seen: ${verdict.loopback}`)
    })
  }

  it('the whole product: wps run with private targets allowed', async () => {
    const { stdout, trace } = await traced('wps-run')
    const test = printedJson(stdout)
    const results = test.results
    assert.ok(Array.isArray(results) && results.length === 1, 'one region row')
    const row: unknown = results[0]
    assert.ok(row && typeof row === 'object')
    assert.equal((row as Record<string, unknown>).status, 'complete')
    assert.equal((row as Record<string, unknown>).httpStatus, 200)
    const verdict = judgeTrace(trace)
    assert.deepEqual(verdict.violations, [])
    assert.ok(verdict.loopback >= 2, `loopback connects seen: ${verdict.loopback}`)
  })

  it('the whole product with a Lighthouse audit: wps run --lighthouse', async () => {
    const { stdout, trace } = await traced('wps-run-lighthouse', 180_000)
    const test = printedJson(stdout)
    const results = test.results
    assert.ok(Array.isArray(results) && results.length === 1, 'one region row')
    const row = results[0] as Record<string, unknown> & {
      lighthouse?: { status?: string; performance?: unknown }
    }
    assert.equal(row.status, 'complete')
    assert.equal(row.lighthouse?.status, 'complete', JSON.stringify(row.lighthouse))
    assert.equal(typeof row.lighthouse?.performance, 'number')
    const verdict = judgeTrace(trace)
    assert.deepEqual(verdict.violations, [])
    assert.ok(verdict.loopback >= 2, `loopback connects seen: ${verdict.loopback}`)
  })
})
