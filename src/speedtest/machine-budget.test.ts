import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { MachineBudget, machineLoadBudget } from './machine-budget.ts'

const dir = mkdtempSync(join(tmpdir(), 'wps-budget-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('MachineBudget', () => {
  it('gives one load per two cores, at least one', () => {
    assert.equal(machineLoadBudget(1), 1)
    assert.equal(machineLoadBudget(2), 1)
    assert.equal(machineLoadBudget(8), 4)
  })

  it('lets no more than `slots` holders in at once, and the next in on release', async () => {
    const budget = new MachineBudget({ slots: 2, dir: join(dir, 'a') })
    const first = await budget.acquire()
    const second = await budget.acquire()
    let thirdIn = false
    const third = budget.acquire().then((release) => {
      thirdIn = true
      return release
    })
    await sleep(60)
    assert.equal(thirdIn, false, 'the third waits while both slots are held')
    first()
    const release = await third
    assert.equal(thirdIn, true)
    second()
    release()
    assert.deepEqual(readdirSync(join(dir, 'a')), [])
  })

  it('tryAcquire takes a free slot at once and answers null while every slot is held', async () => {
    const budget = new MachineBudget({ slots: 1, dir: join(dir, 't') })
    const held = budget.tryAcquire()
    assert.ok(held, 'a free slot is taken')
    assert.equal(budget.tryAcquire(), null)
    let waiterIn = false
    const waiter = budget.acquire().then((release) => {
      waiterIn = true
      return release
    })
    await sleep(40)
    assert.equal(waiterIn, false, 'a slot taken by tryAcquire counts for acquire too')
    held()
    ;(await waiter)()
    assert.deepEqual(readdirSync(join(dir, 't')), [])
  })

  it('gives up waiting when the signal aborts', async () => {
    const budget = new MachineBudget({ slots: 1, dir: join(dir, 'b') })
    const held = await budget.acquire()
    await assert.rejects(budget.acquire(AbortSignal.timeout(50)), { name: 'TimeoutError' })
    held()
  })

  it('takes over a slot whose holder was killed with SIGKILL', async (t) => {
    const slotDir = join(dir, 'c')
    const module = fileURLToPath(new URL('./machine-budget.ts', import.meta.url))
    const script = `import { MachineBudget } from ${JSON.stringify(module)};
      await new MachineBudget({ slots: 1, dir: ${JSON.stringify(slotDir)} }).acquire();
      console.log('held'); setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    t.after(() => child.kill('SIGKILL'))
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    const budget = new MachineBudget({ slots: 1, dir: slotDir })
    await assert.rejects(budget.acquire(AbortSignal.timeout(100)), { name: 'TimeoutError' })
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    const release = await budget.acquire(AbortSignal.timeout(2000))
    release()
  })
})

describe('MachineBudget waiting line', () => {
  it('serves waiters in arrival order and tells each its position as it moves up', async () => {
    const budget = new MachineBudget({ slots: 1, dir: join(dir, 'd') })
    const held = await budget.acquire()
    const order: string[] = []
    const told: Record<string, number[]> = { b: [], c: [], d: [] }
    const waiter = (name: string, signal?: AbortSignal) =>
      budget
        .acquire(signal, (n) => told[name]?.push(n))
        .then((release) => {
          order.push(name)
          return release
        })
    const b = waiter('b')
    await sleep(30)
    const c = waiter('c')
    await sleep(30)
    const leaving = new AbortController()
    const d = waiter('d', leaving.signal)
    d.catch(() => {})
    await sleep(60)
    assert.deepEqual(told, { b: [1], c: [2], d: [3] })
    leaving.abort()
    await assert.rejects(d)
    held()
    const releaseB = await b
    await sleep(60)
    assert.deepEqual(order, ['b'], 'c waits while b holds the slot')
    releaseB()
    ;(await c)()
    assert.deepEqual(order, ['b', 'c'])
    assert.deepEqual(told.c, [2, 1], 'c moved up once b was in')
    assert.deepEqual(readdirSync(join(dir, 'd')), [], 'no ticket or slot left behind')
  })
})
