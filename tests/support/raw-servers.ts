import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RawServer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<RawServer> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts connections and never says a word: the port that costs a timeout. */
export function hungServer(): Promise<RawServer> {
  return listen(createServer(), new Set());
}

/** A port that refuses connections (listened on, then closed). */
export async function closedPort(): Promise<number> {
  const server = await hungServer();
  await server.close();
  return server.port;
}

/**
 * An "RD service" that answers every request with the given body (any bytes at all), to feed the
 * adapter malformed, oversized or hostile documents. Mode `die` sends headers promising more than
 * it sends, then drops the connection.
 */
export function scriptedServer(answer: (method: string) => { body: string | Buffer; mode?: 'ok' | 'die' }): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const method = head.split(' ')[0] ?? '';
      const { body, mode = 'ok' } = answer(method);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const length = mode === 'die' ? bytes.length * 2 : bytes.length;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`);
      if (mode === 'die') {
        socket.write(bytes);
        setTimeout(() => socket.destroy(), 10);
      } else socket.end(bytes);
    });
  });
  return listen(server, sockets);
}
