/**
 * A cluster node in its own process, for tests that need a node to really die
 * (kill -9) or to measure calls across processes. Configured by env, it prints
 * `ready <node>` on stdout once connected and exits when its stdin closes, so it
 * cannot outlive the test that started it.
 *
 *   WPS_TEST_NATS_URL=nats://127.0.0.1:4222 WPS_TEST_NODE=child-1 node --import tsx test/cluster/child-node.ts
 *
 * Methods: `echo` (returns its payload), `stream` ({count} messages 0..count-1, then 'done'),
 * `hang` (emits 'started', then runs until cancelled).
 */

import { connectNatsCluster } from '../../src/cluster/nats.ts'

const servers = process.env.WPS_TEST_NATS_URL
const node = process.env.WPS_TEST_NODE
if (!servers || !node) {
  console.error('child-node: set WPS_TEST_NATS_URL and WPS_TEST_NODE')
  process.exit(2)
}

const cluster = await connectNatsCluster({
  servers,
  member: {
    node,
    region: process.env.WPS_TEST_REGION ?? 'fra',
    machineId: `pid-${process.pid}`,
    capacity: 1,
  },
  heartbeatMs: Number(process.env.WPS_TEST_HEARTBEAT_MS ?? 500),
  subjectPrefix: process.env.WPS_TEST_PREFIX ?? 'wps',
})

cluster.serve('echo', async (payload) => payload)
cluster.serve('stream', async (payload, emit) => {
  const count = (payload as { count?: number } | undefined)?.count ?? 3
  for (let i = 0; i < count; i++) emit(i)
  return 'done'
})
cluster.serve(
  'hang',
  (_payload, emit, signal) =>
    new Promise((_resolve, reject) => {
      emit('started')
      signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })
    }),
)

const shutdown = async (): Promise<void> => {
  await cluster.close()
  process.exit(0)
}
process.stdin.on('end', shutdown)
process.stdin.on('close', shutdown)
process.stdin.resume()
process.once('SIGTERM', shutdown)
process.stdout.write(`ready ${node}\n`)
