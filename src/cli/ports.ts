/**
 * Loopback ports for the processes `wps dev` starts (and the tests and benchmarks that
 * start nodes): ask the kernel for a free one, and wait until something listens on one.
 *
 *   const port = await freePort()
 *   spawn('nats-server', ['-p', String(port)])
 *   await waitForPort(port, 5000)   // throws after 5 s
 */
import net from 'node:net'

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function waitForPort(
  port: number,
  withinMs: number,
  what = `a server on 127.0.0.1:${port}`,
): Promise<void> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${what} did not listen within ${withinMs} ms`)
}
