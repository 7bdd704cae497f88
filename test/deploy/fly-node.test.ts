/**
 * The Fly.io node start script (deploy/fly/node.sh), run as Fly runs it: two machines of
 * one app, each in a network namespace of its own, joined by a virtual cable and given
 * 6PN-style IPv6 addresses, with `<app>.internal` resolving to both (Fly's internal DNS,
 * here each namespace's /etc/hosts through `ip netns exec`). Each runs the script with
 * the variables Fly sets; the script starts nats-server routed to the other machine's
 * address and then `wps serve`. What must come true: both nodes see both regions, and a
 * test asked of one node for the other's region is measured over there, in real
 * Chromium, against a fixture site that only the other machine can reach.
 *
 * Everything lives in the two namespaces, so ending every process in them and deleting
 * them leaves nothing behind.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freshDataDir } from '../support/data-dir.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const APP = 'wps-fly-test'
const tag = String(process.pid % 100_000)

interface Machine {
  netns: string
  region: string
  address: string
  child?: ChildProcess
  output: string
}

const machines: Machine[] = [
  { netns: `wpsfly-a-${tag}`, region: 'ams', address: 'fdaa:0:77::2', output: '' },
  { netns: `wpsfly-b-${tag}`, region: 'bog', address: 'fdaa:0:77::3', output: '' },
]

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })

/** Runs a script in a machine's namespace with Node and returns what it printed. */
async function inMachine(machine: Machine, script: string, timeoutMs = 20_000): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'ip',
    ['netns', 'exec', machine.netns, process.execPath, '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: timeoutMs },
  )
  return stdout
}

async function getJson(machine: Machine, path: string): Promise<unknown> {
  const out = await inMachine(
    machine,
    `const r = await fetch('http://127.0.0.1:8080${path}'); process.stdout.write(await r.text())`,
  )
  return JSON.parse(out)
}

let tornDown = false
function teardown(): void {
  if (tornDown) return
  tornDown = true
  for (const machine of machines) {
    // every process in the namespace: the script's node, nats-server, runners, Chromium, the fixture
    let pids: string[] = []
    try {
      pids = execFileSync('ip', ['netns', 'pids', machine.netns], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .split(/\s+/)
        .filter(Boolean)
    } catch {}
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {}
    }
    try {
      ip('netns', 'del', machine.netns)
    } catch {}
    rmSync(`/etc/netns/${machine.netns}`, { recursive: true, force: true })
  }
}
process.once('exit', teardown)

describe('deploy/fly/node.sh: two Fly machines of one app', () => {
  let fixture: ChildProcess | undefined
  let fixtureUrl = ''

  before(async () => {
    const [a, b] = machines as [Machine, Machine]
    for (const machine of machines) {
      ip('netns', 'add', machine.netns)
      mkdirSync(`/etc/netns/${machine.netns}`, { recursive: true })
      // Fly's internal DNS: <app>.internal is every machine of the app, this one included
      writeFileSync(
        `/etc/netns/${machine.netns}/hosts`,
        `127.0.0.1 localhost\n::1 localhost\n${a.address} ${APP}.internal\n${b.address} ${APP}.internal\n`,
      )
    }
    ip(
      'link',
      'add',
      `wfa${tag}`,
      'netns',
      a.netns,
      'type',
      'veth',
      'peer',
      'name',
      `wfb${tag}`,
      'netns',
      b.netns,
    )
    for (const [machine, dev] of [
      [a, `wfa${tag}`],
      [b, `wfb${tag}`],
    ] as const) {
      ip('-n', machine.netns, 'link', 'set', 'lo', 'up')
      ip('-n', machine.netns, 'addr', 'add', `${machine.address}/64`, 'dev', dev, 'nodad')
      ip('-n', machine.netns, 'link', 'set', dev, 'up')
    }

    // the page to measure, reachable only inside machine a
    fixture = spawn(
      'ip',
      [
        'netns',
        'exec',
        a.netns,
        process.execPath,
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "import { startFixtureSite } from './test/fixtures/site.ts'; const s = await startFixtureSite(); console.log(s.url)",
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    fixtureUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      fixture?.stdout?.on('data', (chunk: Buffer) => {
        out += chunk
        const line = out.split('\n')[0]
        if (out.includes('\n') && line) resolve(line.trim())
      })
      fixture?.once('exit', (code) => reject(new Error(`fixture site exited with ${code}`)))
    })

    for (const machine of machines) {
      const child = spawn('ip', ['netns', 'exec', machine.netns, 'sh', 'deploy/fly/node.sh'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          // what Fly sets on every machine
          FLY_APP_NAME: APP,
          FLY_PRIVATE_IP: machine.address,
          FLY_REGION: machine.region,
          FLY_MACHINE_ID: `machine-${machine.region}`,
          // what fly.toml sets, but runners as processes: there is no Machines API here
          PORT: '8080',
          HOST: '127.0.0.1',
          WPS_POOL_BACKEND: 'process',
          WPS_DATA_DIR: freshDataDir(),
          WPS_ALLOW_PRIVATE: '1',
          WPS_RATE_LIMIT_PER_MIN: '100000',
          WPS_RATE_LIMIT_PER_HOST_PER_MIN: '100000',
          WPS_RATE_LIMIT_TOTAL_PER_MIN: '100000',
          PUPPETEER_SKIP_DOWNLOAD: '1',
          NATS_URL: '',
        },
      })
      const note = (chunk: Buffer) => {
        machine.output += chunk
      }
      child.stdout?.on('data', note)
      child.stderr?.on('data', note)
      machine.child = child
    }
  })

  after(() => {
    fixture?.kill('SIGKILL')
    teardown()
  })

  it('routes each nats-server to the other machine, and both nodes see both regions', async () => {
    const [a, b] = machines as [Machine, Machine]
    let seen: string[][] = []
    for (let i = 0; i < 120; i++) {
      try {
        seen = []
        for (const machine of machines) {
          const regions = await getJson(machine, '/api/regions')
          assert.ok(Array.isArray(regions))
          seen.push(regions.map((entry: { region?: unknown }) => String(entry.region)).sort())
        }
        if (seen.every((regions) => regions.join() === 'ams,bog')) break
      } catch {}
      await sleep(500)
    }
    assert.deepEqual(
      seen,
      [
        ['ams', 'bog'],
        ['ams', 'bog'],
      ],
      `${a.output}\n---\n${b.output}`,
    )
    // the script found the other machine in <app>.internal and left itself out
    assert.match(a.output, new RegExp(`nats-server: routes nats-route://\\[${b.address}\\]:6222\\n`))
    assert.match(b.output, new RegExp(`nats-server: routes nats-route://\\[${a.address}\\]:6222\\n`))
  })

  it('a test asked of one machine for the other region is measured over there', async () => {
    const [a, b] = machines as [Machine, Machine]
    const body = JSON.stringify({ url: `${fixtureUrl}/rich`, regions: [a.region] })
    // ask machine b; only machine a can reach the fixture site
    const out = await inMachine(
      b,
      `const started = await fetch('http://127.0.0.1:8080/api/tests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} })
       const { id } = await started.json()
       let test
       for (let i = 0; i < 360; i++) {
         test = await (await fetch('http://127.0.0.1:8080/api/tests/' + id)).json()
         if (test.state === 'done') break
         await new Promise((r) => setTimeout(r, 250))
       }
       process.stdout.write(JSON.stringify(test))`,
      120_000,
    )
    const test = JSON.parse(out) as {
      state: string
      results: Array<{ region: string; node: string; status: string; requests: number }>
    }
    assert.equal(test.state, 'done', out)
    assert.equal(test.results.length, 1, out)
    const row = test.results[0]
    assert.equal(row?.region, 'ams', out)
    // measured by machine a's node (FLY_MACHINE_ID names it), with its own runner
    assert.match(row?.node ?? '', /machine-ams/, out)
    assert.equal(row?.status, 'complete', out)
    assert.equal(row?.requests, 7, out)
  })
})
