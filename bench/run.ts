/**
 * `npm run bench`: every benchmark, each printing its figures and ratios. Targets live
 * here, not in timed tests, because a noisy 2-core machine makes timing assertions flaky.
 * Pass section names to run some: `npm run bench -- overhead`.
 */
import { cpus, loadavg } from 'node:os'

// Each section's modules load when it runs, so one section's figures (RSS above all)
// carry nothing of the others'.
const SECTIONS: Record<string, () => Promise<unknown>> = {
  overhead: () => import('./overhead.ts').then((m) => m.benchOverhead()),
  pool: () => import('./pool.ts').then((m) => m.benchPool()),
  cluster: () => import('./cluster.ts').then((m) => m.benchCluster()),
  fly: () => import('./fly.ts').then((m) => m.benchFly()),
  flood: () => import('./flood.ts').then((m) => m.benchFlood()),
  kubernetes: () => import('./kubernetes.ts').then((m) => m.benchKubernetes()),
  store: () => import('./store.ts').then((m) => m.benchStore()),
  late: () => import('./late.ts').then((m) => m.benchLate()),
  filmstrip: () => import('./filmstrip.ts').then((m) => m.benchFilmstrip()),
  'control-plane': () => import('./control-plane.ts').then((m) => m.benchControlPlane()),
  responsive: () => import('./responsive.ts').then((m) => m.benchResponsive()),
  burst: () => import('./burst.ts').then((m) => m.benchBurst()),
  lighthouse: () => import('./lighthouse.ts').then((m) => m.benchLighthouse()),
}

const chosen = process.argv.slice(2)
const unknown = chosen.filter((name) => !SECTIONS[name])
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(', ')}; choose from ${Object.keys(SECTIONS).join(', ')}`)
  process.exit(2)
}
// A missed target is a figure, not a failure: only a section that breaks fails the run,
// and the sections after it still run.
const broken: string[] = []
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${cpus().length} cores)`,
)
for (const name of chosen.length > 0 ? chosen : Object.keys(SECTIONS)) {
  const started = performance.now()
  try {
    await SECTIONS[name]?.()
  } catch (error) {
    broken.push(name)
    console.error(`\nbench section ${name} broke:`, error)
  }
  console.log(
    `(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()[0]?.toFixed(2)})`,
  )
}
if (broken.length > 0) {
  console.error(`broken bench sections: ${broken.join(', ')}`)
  process.exit(1)
}
