/**
 * How every pool backend starts a runner: `node <RUNNER_NODE_FLAGS> <entry> runner`, the
 * same for a child process, a Fly Machine and a Kubernetes pod.
 *
 *   spawn(process.execPath, runnerArgs(WPS_ENTRY))    // → node --max-semi-space-size=2 …/wps.mjs runner
 *   { cmd: ['node', ...runnerArgs('bin/wps.mjs')] }    // a machine's command, from the image's app root
 *
 * `--max-semi-space-size=2` (MB): V8 sizes the young generation for throughput, and a
 * runner — which allocates a stream of short-lived CDP messages (network events,
 * screencast frames) — lets it grow to about 20 MB more resident memory than it needs.
 * Capped, the runner's own PSS went from about 50 to 34 MB with its Chromium's numbers
 * and the tool's overhead unchanged (scavenges of 2 MB take well under a millisecond).
 * A V8 flag must be given when the process starts: the heap is sized before any of our
 * code runs.
 */
export const RUNNER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2']

/** The arguments after `node` that start a runner from `entry` (bin/wps.mjs or the build's wps.mjs). */
export function runnerArgs(entry: string): string[] {
  return [...RUNNER_NODE_FLAGS, entry, 'runner']
}
