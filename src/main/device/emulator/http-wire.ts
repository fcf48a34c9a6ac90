import type { Socket } from 'node:net';

/**
 * Just enough HTTP/1.1 for an RD service. Node's http server refuses custom methods such as
 * RDSERVICE before any handler runs (HPE_INVALID_METHOD), so the emulator reads requests itself.
 * One request per connection, answered with Connection: close, as the vendors' services do.
 */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const MAX_HEAD = 16 * 1024;
const MAX_BODY = 256 * 1024;

export function readRequest(socket: Socket, onRequest: (request: WireRequest) => void, onBad: (status: number, reason: string) => void): void {
  let buffer = Buffer.alloc(0);
  let head: { method: string; path: string; headers: Record<string, string>; length: number; bodyStart: number } | null = null;
  const onData = (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    // A TLS ClientHello (or any other non-HTTP bytes) is refused at once, as a real HTTP server does,
    // so an https probe of an http port fails fast instead of waiting out its timeout.
    if (!head && buffer.length > 0 && !/^[A-Z]{1,20}( |$)/.test(buffer.subarray(0, 21).toString('latin1'))) return finish(() => onBad(400, 'not an HTTP request'));
    if (!head) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffer.length > MAX_HEAD) finish(() => onBad(431, 'request head too large'));
        return;
      }
      const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const [method, path, version] = (lines.shift() ?? '').split(' ');
      if (!method || !path || !version?.startsWith('HTTP/1.')) return finish(() => onBad(400, 'bad request line'));
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (headers['transfer-encoding']) return finish(() => onBad(411, 'chunked bodies are not supported'));
      const length = Number(headers['content-length'] ?? 0);
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) return finish(() => onBad(413, 'body too large'));
      head = { method, path, headers, length, bodyStart: end + 4 };
    }
    if (buffer.length - head.bodyStart >= head.length) {
      const { method, path, headers, length, bodyStart } = head;
      finish(() => onRequest({ method, path, headers, body: buffer.subarray(bodyStart, bodyStart + length).toString('utf8') }));
    }
  };
  const finish = (then: () => void) => {
    socket.off('data', onData);
    then();
  };
  socket.on('data', onData);
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 411: 'Length Required', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

export function responseHead(status: number, contentType: string, length: number): string {
  return [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, `Content-Type: ${contentType}`, `Content-Length: ${length}`, 'Connection: close', 'Cache-Control: no-store', '', ''].join('\r\n');
}

export function writeResponse(socket: Socket, status: number, body: string, contentType = 'text/xml; charset=utf-8'): void {
  const bytes = Buffer.from(body, 'utf8');
  socket.end(Buffer.concat([Buffer.from(responseHead(status, contentType, bytes.length), 'latin1'), bytes]));
}
