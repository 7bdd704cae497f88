/**
 * The program `wps`: run the command named on the command line and exit with its code.
 * bin/wps.mjs imports this module — compiled (dist/app/wps.mjs, scripts/build.mjs) when
 * the build is current, from source through tsx otherwise.
 *
 *   node dist/app/wps.mjs serve --port 4000
 */
import { main } from './main.ts'

process.exitCode = await main(process.argv.slice(2))
