/** Formatting and words shared by the CLI and the web page. */
export * from './format.ts'
export * from './lighthouse.ts'
export * from './words.ts'
