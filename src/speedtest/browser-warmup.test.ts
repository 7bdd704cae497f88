import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FACTS, type FixtureSite, startFixtureSite } from '../../test/fixtures/site.ts'
import { launchBrowserHost, runnerBudgetSlots, warmUpBrowser } from './browser-warmup.ts'
import { startEgressProxy } from './egress.ts'
import { MachineBudget } from './machine-budget.ts'

describe('the warm browser of a runner', () => {
  let site: FixtureSite
  const dir = mkdtempSync(join(tmpdir(), 'wps-warmup-test-'))
  before(async () => {
    site = await startFixtureSite()
  })
  after(async () => {
    await site?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads the slot count the node gave its runners', () => {
    assert.equal(runnerBudgetSlots({ WPS_MACHINE_BUDGET: '0' }), 0)
    assert.equal(runnerBudgetSlots({ WPS_MACHINE_BUDGET: '3' }), 3)
    assert.ok(
      runnerBudgetSlots({ WPS_MACHINE_BUDGET: 'lots' }) >= 1,
      'an unreadable value falls back to the default',
    )
  })

  it('is not started while the machine is busy', () => {
    const held = new MachineBudget({ slots: 1, dir: join(dir, 'busy') }).tryAcquire()
    assert.ok(held)
    try {
      const warm = warmUpBrowser({ env: { WPS_MACHINE_BUDGET: '1' }, budgetDir: join(dir, 'busy') })
      assert.equal(warm.pid, undefined)
    } finally {
      held()
    }
  })

  it('is started at once, holds a slot until it is up, and is the browser the first measurement gets', async () => {
    const budget = new MachineBudget({ slots: 1, dir: join(dir, 'free') })
    const warm = warmUpBrowser({ env: { WPS_MACHINE_BUDGET: '1' }, budgetDir: join(dir, 'free') })
    assert.ok(warm.pid, 'Chromium was started')
    assert.equal(budget.tryAcquire(), null, 'the starting browser holds the slot')
    warm.connect()
    const proxy = await startEgressProxy({ allowPrivate: true, latencyMs: 0 })
    const first = await launchBrowserHost(proxy.url)
    const second = await launchBrowserHost(proxy.url)
    try {
      assert.equal(first.pid, warm.pid, 'the first host is the warm browser')
      assert.notEqual(second.pid, warm.pid, 'which is handed out once')
      const slot = budget.tryAcquire()
      assert.ok(slot, 'the slot is free once the browser is up')
      slot()
      const m = await first.measure(`${site.url}${FACTS.rich.path}`, { timeoutMs: 15_000 })
      assert.equal(m.error, null)
      assert.equal(m.httpStatus, 200)
      assert.equal(m.requests, FACTS.rich.requests)
    } finally {
      await Promise.all([first.close(), second.close()])
      await proxy.close()
    }
  })
})
