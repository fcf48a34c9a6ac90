import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MitraError } from '../../../shared/errors';
import { isLoopbackUrl } from '../../security/loopback';
import { XML_LIMIT_BYTES } from '../../base/xml';

/** Why talking to an RD service failed, before any XML was read. */
export type RdTransportKind = 'timeout' | 'unreachable' | 'connection-lost' | 'http-status' | 'too-large' | 'not-loopback';

export class RdTransportError extends MitraError {
  constructor(
    readonly kind: RdTransportKind,
    detail: string,
    cause?: unknown,
  ) {
    super(`rd_${kind.replace('-', '_')}`, `RD service ${kind}: ${detail}`, { messageKey: `rd.transport.${kindKey(kind)}`, params: { detail }, cause });
    this.name = 'RdTransportError';
  }
}

function kindKey(kind: RdTransportKind): string {
  return kind.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
}

export interface RdRequest {
  url: string;
  method: 'RDSERVICE' | 'DEVICEINFO' | 'CAPTURE';
  body?: string;
  timeoutMs: number;
  maxBytes?: number;
}

/**
 * One request to a local RD service. Custom HTTP methods, loopback only, self-signed TLS accepted
 * (loopback only), one overall deadline covering connect, headers and body, a size cap, and a
 * clear error when the service closes the connection part-way through an answer.
 */
export function rdRequest({ url, method, body, timeoutMs, maxBytes = XML_LIMIT_BYTES }: RdRequest): Promise<string> {
  const target = new URL(url);
  if (!isLoopbackUrl(target)) return Promise.reject(new RdTransportError('not-loopback', `${target.host} is not this computer`));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(value ?? '');
    };
    const req = send(
      target,
      {
        method,
        agent: false,
        // RD services on loopback use self-signed certificates; nothing else is ever contacted.
        rejectUnauthorized: false,
        headers: {
          Accept: 'text/xml, application/xml',
          ...(body !== undefined ? { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (res: IncomingMessage) => {
        if (res.statusCode && (res.statusCode < 200 || res.statusCode >= 300)) {
          res.resume();
          finish(new RdTransportError('http-status', `HTTP ${res.statusCode}`));
          return;
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(new RdTransportError('too-large', `answer over ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (Number.isFinite(declared) && size < declared) finish(new RdTransportError('connection-lost', `answer cut off at ${size} of ${declared} bytes`));
          else finish(null, Buffer.concat(chunks).toString('utf8'));
        });
        res.on('aborted', () => finish(new RdTransportError('connection-lost', `answer cut off after ${size} bytes`)));
        res.on('error', (error) => finish(new RdTransportError('connection-lost', error.message, error)));
      },
    );
    // eslint-disable-next-line no-restricted-globals -- only settles a promise; cannot throw
    const timer = setTimeout(() => finish(new RdTransportError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const kind: RdTransportKind = error.code === 'ECONNREFUSED' ? 'unreachable' : 'connection-lost';
      finish(new RdTransportError(kind, error.code ?? error.message, error));
    });
    req.end(body);
  });
}
