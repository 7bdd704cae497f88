/**
 * A runner process for the ProcessBackend tests: register the test tasks, serve the parent.
 * Started as `node --import tsx src/flame/testing/runner-fixture.ts` by `fixtureBackend()`.
 */
import './tasks.ts'
import { startRunner } from '../backends/process.ts'

startRunner()
