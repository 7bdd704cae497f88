/**
 * Share and export a test: copy its permalink, download its JSON (the same document as
 * `GET /api/tests/:id` and `wps run --json`), the HAR when the server offers one, and
 * the history of its URL.
 *
 *   <ShareBar id={test.id} url={test.url} done={test.state === 'done'} />
 */
import { useEffect, useState } from 'preact/hooks'
import { harUrl, hasHar, testUrl } from '../../api.ts'
import { historyPath, onLinkClick, testPath } from '../../routes.ts'
import styles from './share.module.css'

interface Props {
  id: string
  url: string
  done: boolean
}

export function ShareBar({ id, url, done }: Props) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle')
  const [har, setHar] = useState(false)

  useEffect(() => {
    if (!done) return
    const abort = new AbortController()
    hasHar(id, abort.signal).then((present) => !abort.signal.aborted && setHar(present))
    return () => abort.abort()
  }, [id, done])

  const link = `${location.origin}${testPath(id)}`
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link)
      setCopied('copied')
    } catch {
      setCopied('failed')
    }
  }

  return (
    <div class={styles.bar} data-testid="share">
      <button type="button" class={styles.action} onClick={copy}>
        Copy link
      </button>
      <a class={styles.action} href={testUrl(id)} download={`world-page-speed-${id}.json`}>
        Download JSON
      </a>
      {har ? (
        <a class={styles.action} href={harUrl(id)} download={`world-page-speed-${id}.har`}>
          Download HAR
        </a>
      ) : null}
      <a class={styles.action} href={historyPath(url)} onClick={onLinkClick}>
        History of this URL
      </a>
      <span role="status" class={styles.status}>
        {copied === 'copied' ? 'Link copied.' : copied === 'failed' ? `Copy this link: ${link}` : ''}
      </span>
    </div>
  )
}
