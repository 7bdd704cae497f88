import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { connectUpstream } from './connect-upstream.ts'

describe('connectUpstream with a guard', () => {
  let server: net.Server
  let port: number
  let accepted = 0
  before(async () => {
    server = net.createServer((socket) => {
      accepted++
      socket.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as net.AddressInfo).port
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const connect = (host: string, guard: (address: string) => string | null) =>
    new Promise<{ code?: string; socket?: net.Socket }>((resolve) =>
      connectUpstream(host, port, guard, (error, socket) => {
        if (error) resolve({ code: error.code })
        else resolve({ socket })
      }),
    )

  it('connects to the address it allowed', async () => {
    const { socket, code } = await connect('127.0.0.1', () => null)
    assert.equal(code, undefined)
    await new Promise<void>((resolve, reject) => socket!.once('connect', resolve).once('error', reject))
    assert.equal(socket!.remoteAddress, '127.0.0.1')
    socket!.destroy()
  })

  it('refuses before connecting, naming reason and address', async () => {
    const before = accepted
    const { code, socket } = await connect('127.0.0.1', () => 'loopback')
    assert.equal(code, 'EBLOCKED:loopback:127.0.0.1')
    assert.equal(socket, undefined)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(accepted, before)
  })

  it('judges names after resolving them, every address', async () => {
    const judged: string[] = []
    const { code } = await connect('localhost', (address) => {
      judged.push(address)
      return 'loopback'
    })
    assert.match(code ?? '', /^EBLOCKED:loopback:/)
    assert.ok(judged.length >= 1 && judged.every((a) => net.isIP(a) !== 0), JSON.stringify(judged))
  })

  it('reports a name that does not resolve as DNS does', async () => {
    const { code } = await connect('no-such-host.invalid', () => null)
    assert.ok(code === 'ENOTFOUND' || code === 'EAI_AGAIN', code)
  })
})
