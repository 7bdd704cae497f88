/**
 * `npm run bench`: every benchmark, each printing its figures and ratios. Targets live
 * here, not in timed tests, because a noisy 2-core machine makes timing assertions flaky.
 * Pass section names to run some: `npm run bench -- overhead`.
 */
import { cpus, loadavg } from 'node:os'
import { benchBurst } from './burst.ts'
import { benchCluster } from './cluster.ts'
import { benchControlPlane } from './control-plane.ts'
import { benchFilmstrip } from './filmstrip.ts'
import { benchFlood } from './flood.ts'
import { benchFly } from './fly.ts'
import { benchKubernetes } from './kubernetes.ts'
import { benchLate } from './late.ts'
import { benchLighthouse } from './lighthouse.ts'
import { benchOverhead } from './overhead.ts'
import { benchPool } from './pool.ts'
import { benchResponsive } from './responsive.ts'
import { benchStore } from './store.ts'

const SECTIONS: Record<string, () => Promise<unknown>> = {
  overhead: () => benchOverhead(),
  pool: () => benchPool(),
  cluster: () => benchCluster(),
  fly: () => benchFly(),
  flood: () => benchFlood(),
  kubernetes: () => benchKubernetes(),
  store: () => benchStore(),
  late: () => benchLate(),
  filmstrip: () => benchFilmstrip(),
  'control-plane': () => benchControlPlane(),
  responsive: () => benchResponsive(),
  burst: () => benchBurst(),
  lighthouse: () => benchLighthouse(),
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
