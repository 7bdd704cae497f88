/**
 * Browser entry point: mounts the app into `#app`.
 */
import { render } from 'preact'
import { App } from './App.tsx'
import './styles.css'
import './results.css'

render(<App />, document.getElementById('app')!)
