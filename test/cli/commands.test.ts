/**
 * The CLI as a CI job and a person meet it, through real child processes: `--help` on
 * every command, exit codes (2 for usage, 130/143 when interrupted, and nothing left
 * running after), progress with elapsed time and no internal log lines unless
 * --verbose, errors in the CLI's own words, a port in use, unknown region codes, the
 * region catalogue, and `wps dev` without nats-server.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { listRegions } from '../../src/cluster/regions.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { markedProcesses, waitFor } from '../support/processes.ts'
import { wps } from '../support/wps-cli.ts'

const PRIVATE = { WPS_ALLOW_PRIVATE: '1' }

describe('wps --help', () => {
  for (const command of ['serve', 'run', 'dev', 'regions', 'recompute', 'runner']) {
    it(`wps ${command} --help explains the command and exits 0`, async () => {
      const { code, stdout, stderr } = await wps([command, '--help'])
      assert.equal(code, 0, stderr)
      assert.match(stdout, new RegExp(`^Usage: wps ${command}`))
      assert.doesNotMatch(stdout + stderr, /Unknown option/)
    })
  }
  it('wps --help lists every command; wps run --help documents the exit codes', async () => {
    const top = await wps(['--help'])
    assert.equal(top.code, 0)
    for (const command of ['serve', 'run', 'dev', 'regions', 'recompute', 'runner'])
      assert.match(top.stdout, new RegExp(`wps ${command}`))
    const run = await wps(['run', '-h'])
    for (const code of ['0', '1', '2', '130', '143']) assert.match(run.stdout, new RegExp(`^  ${code} `, 'm'))
  })
})

describe('wps regions', () => {
  it('prints the whole catalogue, as a table or JSON', async () => {
    const table = await wps(['regions'])
    assert.equal(table.code, 0)
    const lines = table.stdout.trim().split('\n')
    assert.equal(lines.length, listRegions().length + 1)
    assert.match(table.stdout, /^syd\s+Sydney\s+AU\s+-33\.95\s+151\.18$/m)
    const json = await wps(['regions', '--json'])
    assert.deepEqual(JSON.parse(json.stdout), listRegions())
  })
})

describe('errors in the CLI’s own words (exit 2)', () => {
  const cases: Array<[string[], RegExp, RegExp]> = [
    [['run', 'example.com', '--runs', '9'], /--runs must be a whole number from 1 to 5, got "9"/, /"runs"/],
    [
      ['run', 'example.com', '--runs', 'two'],
      /--runs must be a whole number from 1 to 5, got "two"/,
      /"runs"/,
    ],
    [['serve', '--port', 'abc'], /--port must be a port number from 0 to 65535, got "abc"/, /\bPORT\b/],
    [['serve', '--port', '70000'], /--port must be a port number/, /\bPORT\b/],
    [['serve', '--latency', 'slow'], /--latency must be a whole number of milliseconds/, /WPS_LATENCY_MS/],
    [['dev', '--regions', 'ord', '--port', 'abc'], /--port must be a port number/, /\bPORT\b/],
    [['dev', '--regions', 'ord,zzz'], /--regions: unknown region code zzz\. Known codes: ams, .*syd/, /0 ms/],
    [
      ['dev', '--regions', 'ord', '--target', 'zzz'],
      /--target: unknown region code zzz\. Known codes: ams, .*syd/,
      /0 ms/,
    ],
    [['run', 'example.com', '--bogus'], /Unknown option --bogus/, /"bogus"/],
    [
      ['run', 'example.com', '--device', 'tablet'],
      /--device must be one of desktop, mobile, got "tablet"/,
      /"device"/,
    ],
    [
      ['run', 'example.com', '--connectivity', 'dialup'],
      /--connectivity must be one of native, cable, 4g, 3g, 3g-slow, got "dialup"/,
      /"connectivity"/,
    ],
  ]
  for (const [args, says, never] of cases) {
    it(`wps ${args.join(' ')}`, async () => {
      const { code, stderr } = await wps(args, PRIVATE)
      assert.equal(code, 2, stderr)
      // The first line is the error; the command's help follows it.
      const error = stderr.split('\n')[0] ?? ''
      assert.match(error, says)
      assert.doesNotMatch(error, never)
      assert.match(stderr, new RegExp(`Usage: wps ${args[0]}`))
    })
  }
})

describe('a port in use', () => {
  let taken: ReturnType<typeof createServer>
  let port: number
  before(async () => {
    taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    port = (taken.address() as AddressInfo).port
  })
  after(() => new Promise<void>((resolve) => taken.close(() => resolve())))

  it('wps serve says so, naming the port, without a raw EADDRINUSE', async () => {
    const { code, stderr } = await wps(['serve', '--port', String(port), '--host', '127.0.0.1'], PRIVATE)
    assert.equal(code, 1)
    assert.match(stderr, new RegExp(`Port ${port} is already in use on 127\\.0\\.0\\.1.*--port N`))
    assert.doesNotMatch(stderr, /EADDRINUSE|\n\s+at /)
  })
  it('wps dev says so before starting anything', async () => {
    const { code, stderr } = await wps(['dev', '--regions', 'ord', '--port', String(port)], PRIVATE)
    assert.equal(code, 1)
    assert.match(stderr, new RegExp(`Port ${port} is already in use`))
    assert.doesNotMatch(stderr, /EADDRINUSE/)
  })
})

describe('wps dev without nats-server', () => {
  it('says how to get it', async () => {
    // A PATH with node and sh only.
    const bin = mkdtempSync(join(tmpdir(), 'wps-path-'))
    try {
      symlinkSync(process.execPath, join(bin, 'node'))
      symlinkSync('/bin/sh', join(bin, 'sh'))
      const { code, stderr } = await wps(['dev', '--regions', 'ord'], { PATH: bin })
      assert.equal(code, 1)
      assert.match(stderr, /needs nats-server.*`npm start`.*installs it.*apt-get install nats-server/)
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  })
})

describe('wps run: progress, exit codes and interruption', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(() => site?.close())

  it('progress lines carry the elapsed time; the pool’s own log lines only with --verbose', async () => {
    const env = { ...PRIVATE, WPS_POOL_BACKEND: 'process' }
    const quiet = await wps(['run', `${site.url}/`], env)
    assert.equal(quiet.code, 0, quiet.stderr)
    const lines = quiet.stderr.trim().split('\n')
    assert.ok(lines.length >= 3, quiet.stderr)
    for (const line of lines) assert.match(line, /^\[\s*\d+\.\d s\] /, line)
    assert.match(quiet.stderr, /\] local {2}Loading page\n/)
    assert.doesNotMatch(quiet.stderr, /\[flame/)
    const verbose = await wps(['run', `${site.url}/`, '--verbose'], env)
    assert.equal(verbose.code, 0, verbose.stderr)
    assert.match(verbose.stderr, /\[flame pool=browser\]/)
  })

  it('an unknown --region is a usage error listing the regions it can measure from', async () => {
    const { code, stderr } = await wps(['run', `${site.url}/`, '--region', 'xyz'], PRIVATE)
    assert.equal(code, 2)
    assert.match(stderr, /--region xyz: no node measures from that region here\. Available: local\./)
  })

  for (const [signal, expected] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} while loading exits ${expected} and leaves nothing running`, async () => {
      const marker = `cli-${signal}-${process.pid}-${Date.now()}`
      let sent = false
      const outcome = await wps(
        ['run', `${site.url}${FACTS.ttfb.path}?ms=20000`],
        { ...PRIVATE, WPS_POOL_BACKEND: 'process', WPS_CLI_TEST_MARK: marker },
        {
          onStderr: (text, child) => {
            if (!sent && /Loading page/.test(text)) {
              sent = true
              child.kill(signal)
            }
          },
        },
      )
      assert.ok(sent, outcome.stderr)
      assert.equal(outcome.code, expected, outcome.stderr)
      assert.match(outcome.stderr, /stopping…/)
      const gone = await waitFor(() => markedProcesses('WPS_CLI_TEST_MARK', marker).length === 0, 10_000)
      assert.ok(gone, JSON.stringify(markedProcesses('WPS_CLI_TEST_MARK', marker)))
    })
  }
})
