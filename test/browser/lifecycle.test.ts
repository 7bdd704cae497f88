/**
 * No Chromium outlives its owner: not after close(), not after the owning process is
 * SIGKILLed (the pipe closes and Chromium exits), not after SIGTERM (the host closes
 * the browser, then the process ends by the signal). A crash mid-measurement is an
 * error result, not a hang.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { BrowserHost } from '../../src/browser/index.ts'
import { FACTS, type FixtureSite, startFixtureSite } from '../fixtures/site.ts'
import { livingInGroup, waitFor } from '../support/processes.ts'

const CHILD = new URL('./host-child.ts', import.meta.url).pathname

async function spawnHostChild(): Promise<{ child: ChildProcess; pid: number; userDataDir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  const { pid, userDataDir } = JSON.parse(line) as { pid: number; userDataDir: string }
  return { child, pid, userDataDir }
}

describe('browser lifecycle', () => {
  let site: FixtureSite
  before(async () => {
    site = await startFixtureSite()
  })
  after(() => site?.close())

  it('close() ends every Chromium process and deletes the profile', async () => {
    const host = await BrowserHost.launch()
    const pid = host.pid!
    assert.ok(livingInGroup(pid).length >= 2, 'browser and its helpers are running')
    assert.equal((await host.measure(`${site.url}/`, { timeoutMs: 10_000 })).error, null)
    await host.close()
    assert.deepEqual(livingInGroup(pid), [])
    assert.equal(existsSync(host.userDataDir), false)
    await assert.rejects(host.measure(`${site.url}/`, { timeoutMs: 1000 }), /closed/)
  })

  it('a SIGKILLed owner leaves no Chromium behind', async () => {
    const { child, pid } = await spawnHostChild()
    assert.ok(livingInGroup(pid).length >= 1, 'the child launched a browser')
    child.kill('SIGKILL')
    await once(child, 'exit')
    assert.ok(
      await waitFor(() => livingInGroup(pid).length === 0, 5000),
      `still running: ${livingInGroup(pid)}`,
    )
  })

  it('a SIGTERMed owner closes its browser, deletes the profile and dies by the signal', async () => {
    const { child, pid, userDataDir } = await spawnHostChild()
    assert.ok(existsSync(userDataDir))
    child.kill('SIGTERM')
    const [code, signal] = await once(child, 'exit')
    assert.deepEqual([code, signal], [null, 'SIGTERM'])
    assert.deepEqual(livingInGroup(pid), [])
    assert.equal(existsSync(userDataDir), false)
  })

  it('reports browser_crashed when Chromium dies mid-measurement', async () => {
    const host = await BrowserHost.launch()
    try {
      const measuring = host.measure(`${site.url}${FACTS.never.path}`, { timeoutMs: 10_000 })
      setTimeout(() => process.kill(host.pid!, 'SIGKILL'), 500)
      const m = await measuring
      assert.equal(m.error?.code, 'browser_crashed')
      assert.equal(host.alive, false)
      assert.equal((await host.measure(`${site.url}/`, { timeoutMs: 1000 })).error?.code, 'browser_crashed')
    } finally {
      await host.close()
    }
    assert.ok(await waitFor(() => livingInGroup(host.pid!).length === 0, 3000))
  })
})
