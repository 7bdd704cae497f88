/**
 * `npm run bench`: every benchmark, each printing its figures and ratios. Targets live
 * here, not in timed tests, because a noisy 2-core machine makes timing assertions flaky.
 * Pass section names to run some: `npm run bench -- overhead`.
 */
import { benchCluster } from './cluster.ts'
import { benchFilmstrip } from './filmstrip.ts'
import { benchFlood } from './flood.ts'
import { benchFly } from './fly.ts'
import { benchKubernetes } from './kubernetes.ts'
import { benchLate } from './late.ts'
import { benchLighthouse } from './lighthouse.ts'
import { benchOverhead } from './overhead.ts'
import { benchPool } from './pool.ts'
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
  lighthouse: () => benchLighthouse(),
}

const chosen = process.argv.slice(2)
for (const name of chosen.length > 0 ? chosen : Object.keys(SECTIONS)) {
  const section = SECTIONS[name]
  if (!section) {
    console.error(`unknown section ${name}; choose from ${Object.keys(SECTIONS).join(', ')}`)
    process.exit(2)
  }
  await section()
}
