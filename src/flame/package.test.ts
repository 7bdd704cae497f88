/**
 * The library as others install it: built with its own tsconfig into `dist/` (the build
 * fails if a module imports from outside the library), laid out as npm would lay out the
 * package (`files`: dist + README), then used from a consumer with plain Node — no tsx —
 * through the package's `exports` (`.` and `./testing`), and type-checked against the
 * emitted declarations.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const LIB = fileURLToPath(new URL('.', import.meta.url))
const ROOT = join(LIB, '..', '..')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

describe('the flame package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flame-pkg-'))
  const app = join(dir, 'app')
  // inside the consumer's node_modules, as npm installs it (Node resolves a symlink's real path)
  const pkg = join(app, 'node_modules', '@world-page-speed', 'flame')
  const manifest = JSON.parse(readFileSync(join(LIB, 'package.json'), 'utf8')) as {
    name: string
    files: string[]
    exports: Record<string, Record<string, string> | string>
    dependencies: Record<string, string>
  }

  before(async () => {
    mkdirSync(pkg, { recursive: true })
    await run(process.execPath, [TSC, '-p', join(LIB, 'tsconfig.json'), '--outDir', join(pkg, 'dist')], {
      cwd: LIB,
    })
    cpSync(join(LIB, 'package.json'), join(pkg, 'package.json'))
    cpSync(join(LIB, 'README.md'), join(pkg, 'README.md'))
    // beside it, its dependencies and nothing else of ours
    for (const dep of Object.keys(manifest.dependencies)) {
      const scope = dep.split('/')[0]!
      mkdirSync(join(app, 'node_modules', scope), { recursive: true })
      symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep))
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('names its entry points, each with source, types and built output', () => {
    assert.equal(manifest.name, '@world-page-speed/flame')
    assert.deepEqual(Object.keys(manifest.exports).sort(), ['.', './package.json', './testing'])
    for (const key of ['.', './testing']) {
      const entry = manifest.exports[key] as Record<string, string>
      assert.deepEqual(Object.keys(entry), ['source', 'types', 'default'])
      assert.match(entry.default!, /^\.\/dist\/.*\.js$/)
    }
    assert.deepEqual(manifest.files, ['dist', 'README.md'])
  })

  it('runs a task on a runner process from the built package, with plain Node', async () => {
    const script = `
      import { Pool, KubernetesBackend, FlyBackend, MachineBackend, NatsLink } from '@world-page-speed/flame'
      import { conformance, fixtureBackend, whoami, FakeKubernetes, startFakeFly } from '@world-page-speed/flame/testing'
      for (const x of [KubernetesBackend, FlyBackend, MachineBackend, NatsLink, conformance, FakeKubernetes, startFakeFly]) {
        if (typeof x !== 'function') throw new Error('missing export')
      }
      const pool = new Pool({ name: 'pkg', backend: fixtureBackend(), max: 1, log: false })
      const who = await pool.call(whoami, null)
      await pool.shutdown()
      console.log(JSON.stringify({ who, parent: process.pid }))
    `
    writeFileSync(join(app, 'use.mjs'), script)
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: app })
    const { who, parent } = JSON.parse(stdout) as { who: { runnerId: string; pid: number }; parent: number }
    assert.equal(who.runnerId, 'pkg-1')
    assert.notEqual(who.pid, parent, 'the task ran in a runner process')
  })

  it('type-checks a consumer against the emitted declarations', async () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { defineTask, Pool, type PoolOptions, KubernetesBackend } from '@world-page-speed/flame'
import { type ConformanceTarget, FakeKubernetes } from '@world-page-speed/flame/testing'
export const hello = defineTask('hello', async (name: string) => \`hello \${name}\`)
export const options: Partial<PoolOptions> = { max: 2, idleShutdownAfter: 1_000 }
export const target: ConformanceTarget | null = null
export const kinds: [typeof Pool, typeof KubernetesBackend, typeof FakeKubernetes] | null = null
// @ts-expect-error a task's input is typed
export const wrong: Promise<string> = new Pool({ name: 'x', backend: null as never, max: 1 }).call(hello, 42)
`,
    )
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['use.ts'],
      }),
    )
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: app }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err), failed: true }),
    )
    assert.ok(!('failed' in result), `tsc failed:\n${result.stdout}`)
  })
})
