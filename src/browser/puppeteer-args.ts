/**
 * The command line `puppeteer.launch({ headless: true, pipe: true, userDataDir, args })`
 * gives Chromium, without loading puppeteer: we start the browser ourselves (launch.ts),
 * as early as possible, and connect puppeteer to it over the pipe once it is loaded. The
 * browser must run exactly as it did under `puppeteer.launch` — flags such as
 * `--disable-renderer-backgrounding` and `--disable-background-timer-throttling` change
 * what a page measures — so `puppeteer-args.test.ts` compares this with puppeteer's own
 * `defaultArgs` on every run, and a puppeteer upgrade that changes them fails the suite.
 *
 *   spawn(chrome, puppeteerCommandLine('/tmp/profile', chromiumArgs()))
 */

/** puppeteer's defaults before `--disable-features` (puppeteer-core 24, headless). */
const BEFORE_FEATURES = [
  '--allow-pre-commit-input',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-crash-reporter',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-hang-monitor',
  '--disable-infobars',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  '--enable-automation',
  '--export-tagged-pdf',
  '--force-color-profile=srgb',
  '--generate-pdf-document-outline',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
]
const DISABLED_FEATURES = [
  'Translate',
  'AcceptCHFrame',
  'MediaRouter',
  'OptimizationHints',
  'WebUIReloadButton',
  'ProcessPerSiteUpToMainFrameThreshold',
  'IsolateSandboxedIframes',
]
const ENABLED_FEATURES = ['PdfOopif']
const AFTER_PROFILE = [
  '--headless=new',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-extensions',
  'about:blank',
]

const DISABLE = '--disable-features='
const ENABLE = '--enable-features='

/**
 * puppeteer's `defaultArgs({ headless: true, userDataDir, args })` plus the
 * `--remote-debugging-pipe` its launcher adds: our `--disable-features` and
 * `--enable-features` are merged into its own, our other flags follow its defaults.
 */
export function puppeteerCommandLine(userDataDir: string, args: readonly string[]): string[] {
  const listed = (prefix: string) =>
    args.filter((a) => a.startsWith(prefix)).flatMap((a) => a.slice(prefix.length).split(','))
  const rest = args.filter((a) => !a.startsWith(DISABLE) && !a.startsWith(ENABLE))
  return [
    ...BEFORE_FEATURES,
    `${DISABLE}${[...DISABLED_FEATURES, ...listed(DISABLE)].join(',')}`,
    `${ENABLE}${[...ENABLED_FEATURES, ...listed(ENABLE)].join(',')}`,
    `--user-data-dir=${userDataDir}`,
    ...AFTER_PROFILE,
    ...rest,
    '--remote-debugging-pipe',
  ]
}
