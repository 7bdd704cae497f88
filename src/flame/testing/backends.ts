/**
 * Backends for tests: the ProcessBackend pointed at the runner fixture, and a wrapper that
 * makes the first boots fail for real (the runner is started, then killed before `ready`).
 */

import { fileURLToPath } from 'node:url'
import type { Backend, BootSpec, RunnerConnection } from '../backend.ts'
import { ProcessBackend, type ProcessBackendOptions } from '../backends/process.ts'

// From the sources (tsx) or from the package's build (dist/, plain Node).
const fromSource = import.meta.url.endsWith('.ts')
export const runnerFixture = fileURLToPath(
  new URL(fromSource ? './runner-fixture.ts' : './runner-fixture.js', import.meta.url),
)
export const tsxLoader = fromSource ? import.meta.resolve('tsx') : ''
/** Node arguments that start the runner fixture: through tsx from the sources, directly from the build. */
export const runnerArgs: string[] = fromSource ? ['--import', tsxLoader, runnerFixture] : [runnerFixture]

/** Runners are `node --import tsx runner-fixture.ts` children (`node runner-fixture.js` from the build). */
export function fixtureBackend(options: Partial<ProcessBackendOptions> = {}): ProcessBackend {
  return new ProcessBackend({ args: runnerArgs, ...options })
}

/** Wraps a backend so its first `failures` boots die before the runner is ready. */
export class FailingBoots implements Backend {
  readonly name: string
  boots = 0

  constructor(
    private readonly inner: Backend,
    private failures: number,
  ) {
    this.name = inner.name
  }

  async boot(spec: BootSpec): Promise<RunnerConnection> {
    this.boots++
    const conn = await this.inner.boot(spec)
    if (this.failures > 0) {
      this.failures--
      await conn.kill()
    }
    return conn
  }
}
