#!/usr/bin/env node
// Entry point for `wps`. TypeScript runs through tsx's loader, so a checkout needs no build step.
// The project's tsconfig is named, not looked up from the working directory: its paths send
// `@world-page-speed/flame` to the library's source, wherever `wps` is started from.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
