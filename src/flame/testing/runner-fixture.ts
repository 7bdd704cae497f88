/**
 * A runner process for the tests: register the test tasks, serve the parent — over IPC
 * when the ProcessBackend spawned it, over NATS when its `FLAME_PARENT` names a link.
 * Started as `node --import tsx src/flame/testing/runner-fixture.ts`.
 */
import './tasks.ts'
import { startRunner } from '../start-runner.ts'

try {
  await startRunner()
} catch (err) {
  process.stderr.write(`runner fixture: ${err instanceof Error ? err.message : err}\n`)
  process.exit(1)
}
