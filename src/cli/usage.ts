/**
 * What `wps --help` and `wps <command> --help` print: one text per command, with its
 * flags and, where a CI job needs them, its exit codes. Kept apart from the commands so
 * `--help` answers without starting anything.
 *
 *   helpFor('run')   // 'Usage: wps run <url> [--region R ...] …'
 */

export const EXIT_CODES = `Exit codes:
  0    every region completed with an HTTP status below 400, within the budget if one was given
  1    a region failed (an error or an HTTP status of 400 or more), a budget was exceeded,
       or the test could not run
  2    usage error: an unknown option, a bad flag value, an invalid URL, an unknown region,
       a budget file that cannot be read or is not a budget
  130  interrupted by Ctrl-C (SIGINT)
  143  stopped by SIGTERM (a CI job's timeout, for instance)`

export const USAGE = `World Page Speed — watch a page load from every region at once.

Usage:
  wps serve [--port N] [--host H] [--latency MS]     serve the web page and API
  wps run <url> [--region R ...] [--runs N] [--device D] [--connectivity C] [--repeat-view] [--lighthouse] [--json] [--har FILE] [--budget FILE] [--junit FILE]
                                                     test one URL without a server
  wps dev --regions a,b,c [--port N] [--target R]    a local multi-region cluster (NATS + one node per region)
  wps regions [--json]                               the region catalogue: codes, cities, coordinates
  wps recompute <id> [--json] [--write]              a stored test's numbers computed again from its gathered data
  wps runner                                         runner entry point started by pool backends

\`wps <command> --help\` says more. Configuration is read from the environment; see README.md.`

const HELP: Record<string, string> = {
  serve: `Usage: wps serve [--port N] [--host H] [--latency MS]

Serves the web page and the API of one node and prints the URL. Stops cleanly (exit 0)
on Ctrl-C or SIGTERM, ending running tests, runners and browsers first.

Options:
  --port N       TCP port to listen on, 0–65535 (default: PORT, else 4000; 0 = any free port)
  --host H       address to bind (default: HOST, else 0.0.0.0)
  --latency MS   add this round-trip time to every connection of this node's browsers
  --help         this text`,
  run: `Usage: wps run <url> [--region R ...] [--runs N] [--device desktop|mobile] [--connectivity NAME] [--repeat-view] [--lighthouse] [--json] [--har FILE] [--budget FILE] [--junit FILE] [--verbose]

Tests one URL without a server, on a node started for the purpose. Progress goes to
stderr (with the time since the start), the result to stdout: a table, or with --json
the JSON of GET /api/tests/:id.

Options:
  --region R     measure from region R (repeat, or a comma list); default: every region
  --runs N       load the page N times per region (1–5) and report the median run by load
  --device D     desktop (default: 1350×940) or mobile (412×823 at DPR 1.75, a mobile user agent, touch)
  --connectivity NAME
                 native (default: no shaping), cable (28 ms, 5000/1000 kbit/s), 4g (170 ms, 9000/9000),
                 3g (300 ms, 1600/768), 3g-slow (400 ms, 400/400): WebPageTest's round trip and
                 bandwidth down/up, enforced per connection on the runner's egress proxy
  --repeat-view  after the first view, load the page again in the same browser context (warm cache)
                 and report that repeat view beside it
  --lighthouse   also run a Lighthouse 12.2.3 performance audit in every region after its measurement
                 (8–14 s more each); prints each region's score and top opportunities
  --json         print the result as JSON (each row carries its budget verdict)
  --har FILE     also write the test as a HAR 1.2 file (a page per region, every request's timings)
  --budget FILE  JSON maxima checked in every region, e.g.
                 {"metrics": {"lcp": 2500, "cls": 0.1}, "requests": 120, "transferBytes": 3000000,
                  "regions": {"syd": {"metrics": {"lcp": 4000}}}}; prints each region × limit that failed
  --junit FILE   write the budget checks as JUnit XML, one test case per region × limit
  --verbose      also print the runner pool's own log lines
  --help         this text

${EXIT_CODES}`,
  dev: `Usage: wps dev --regions a,b,c [--port N] [--target R]

Runs a multi-region cluster on this machine: nats-server plus one node per region, each
region's browser traffic delayed by the round-trip time from that city to the target.
Needs nats-server (apt-get install nats-server; \`npm start\` installs it when root).

Options:
  --regions a,b,c   region codes from \`wps regions\` (e.g. ord,fra,syd)
  --port N          port of the first node, which serves the page (default: PORT, else 4000)
  --target R        where the tested site is assumed to be, a code from \`wps regions\` (default iad)
  --help            this text`,
  regions: `Usage: wps regions [--json]

Prints the region catalogue: every code a node can be started with (WPS_REGION) or
\`wps dev --regions\` accepts, with its city, country and coordinates.

Options:
  --json   print the catalogue as JSON
  --help   this text`,
  recompute: `Usage: wps recompute <id> [--json] [--write] [--tbt-threshold MS]

Computes a stored test's numbers again, offline, from the raw data each row was
measured from (its gathered.json.gz: the network events and the page's
PerformanceObserver entries), with the same code a live measurement uses. Reads the
store of this machine's nodes: WPS_DATA_DIR (default ./data), or DATABASE_URL.
Prints each row's stored numbers with the recomputed ones below them (a * marks a
number that changed). Speed Index is carried over, not recomputed.

Options:
  --json               print the stored and recomputed numbers as JSON
  --write              keep the recomputed numbers as the rows' own
  --tbt-threshold MS   compute TBT with this long-task threshold instead of 50 ms
  --help               this text

Exit codes:
  0    every row was recomputed
  1    no such test in the store, or a row could not be recomputed (no gathered data,
       or data of a version this build cannot read)
  2    usage error`,
  runner: `Usage: wps runner

The runner entry point that pool backends start, talking to its parent over IPC.
Not for people.`,
}

export function helpFor(command: string): string | undefined {
  return HELP[command]
}

export const isHelpFlag = (arg: string): boolean => arg === '--help' || arg === '-h'
