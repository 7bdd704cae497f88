/**
 * The sections of `npm run bench`, by name, in the order a full run takes them. Each runs its
 * benchmark, prints its own lines (figure and target) and resolves to what it measured, which
 * `flattenFigures` (figures.ts) turns into the keys `--json` writes and `--baseline` compares:
 *
 *   await SECTIONS.store?.()   // prints the store's lines; { sqlite: { listP50Ms: 1.1, … }, postgres: … }
 *
 * bench/section-child.ts reads this map in whichever tree it runs, so a later tree compared
 * against this one finds the same sections; a tree from before this map existed is read by
 * the convention it followed (bench/<name>.ts exporting bench<Name>).
 */

// Each section's modules load when it runs, so one section's figures (RSS above all)
// carry nothing of the others'.
export const SECTIONS: Record<string, () => Promise<unknown>> = {
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
