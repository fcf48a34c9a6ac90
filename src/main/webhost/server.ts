import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJson, readBody, sendJson } from '../base/http';
import { Scheduler } from '../base/scheduler';
import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER } from '../../shared/contract/transport';
import { ContractErrorCode, type Envelope } from '../../shared/contract/errors';
import { errorEnvelope } from '../../shared/errors';
import type { Dispatch } from '../contract/dispatch';
import type { EventHub } from '../contract/events';
import type { Logger } from '../logging/logger';
import { SECURITY_HEADERS } from '../security/csp';
import { isLoopbackHost, newToken, tokensMatch } from '../security/loopback';
import { readStaticFile } from '../security/static-files';

export interface WebHostOptions {
  port: number;
  rendererDir: string;
  dispatch: Dispatch;
  events: EventHub;
  log: Logger;
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string;
  /** Runs the event streams' heartbeats; a failing write is logged, never thrown out of the process. */
  scheduler?: Scheduler;
}

export interface WebHost {
  port: number;
  origin: string;
  token: string;
  /** The address to open: the token rides in the fragment, which browsers never send to a server. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * The loopback web host: serves the built renderer and the same contract as the Electron preload
 * (`POST /api/<call>`, server-sent events on `/api/events`). Bound to 127.0.0.1 only; every
 * request must carry a loopback Host header, and every API request the per-start token.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { rendererDir, dispatch, events, log } = options;
  const scheduler = options.scheduler ?? new Scheduler((task, error) => log.error(`${task} failed`, error));
  const token = options.token ?? newToken();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('web host request failed', error);
      if (!res.headersSent) sendEnvelope(res, 500, refusal(ContractErrorCode.internal, 'internal error'));
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      sendEnvelope(res, 403, refusal(ContractErrorCode.forbidden, 'host not allowed'));
      return;
    }
    const rawPath = pathOf(req.url);
    if (rawPath === null) {
      sendEnvelope(res, 400, refusal(ContractErrorCode.invalidRequest, 'malformed request target'));
      return;
    }
    // The contract's paths: nothing about the request is looked at before the token and Origin.
    if (rawPath === EVENTS_PATH || rawPath.startsWith(API_PREFIX)) {
      if (!authorised(req, res)) return;
      if (rawPath === EVENTS_PATH) return openEventStream(req, res);
      const name = decoded(rawPath.slice(API_PREFIX.length));
      if (name === null) {
        sendEnvelope(res, 400, refusal(ContractErrorCode.invalidRequest, 'malformed percent-encoding in the call name'));
        return;
      }
      return handleCall(req, res, name);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = readStaticFile(rendererDir, rawPath);
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function authorised(req: IncomingMessage, res: ServerResponse): boolean {
    const given = req.headers[TOKEN_HEADER];
    if (!tokensMatch(token, typeof given === 'string' ? given : undefined)) {
      sendEnvelope(res, 401, refusal(ContractErrorCode.forbidden, 'missing or wrong token'));
      return false;
    }
    // A browser sends Origin on cross-site requests; only our own page may call.
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin, port)) {
      sendEnvelope(res, 403, refusal(ContractErrorCode.forbidden, 'origin not allowed'));
      return false;
    }
    return true;
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      sendEnvelope(res, 415, refusal(ContractErrorCode.invalidRequest, 'content-type must be application/json'));
      return;
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      sendEnvelope(res, 413, refusal(ContractErrorCode.invalidRequest, 'request too large'));
      return;
    }
    const payload = parseJson(body);
    if (!payload.ok) {
      sendEnvelope(res, 400, refusal(ContractErrorCode.invalidRequest, 'body is not JSON'));
      return;
    }
    sendEnvelope(res, 200, await dispatch(name, payload.value, { transport: 'web' }));
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    streams.add(res);
    const heartbeat = scheduler.repeat('event stream heartbeat', HEARTBEAT_MS, () => res.write(': ping\n\n'));
    req.on('close', () => {
      heartbeat.cancel();
      streams.delete(res);
    });
  }

  const unsubscribe = events.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request's path, still percent-encoded; null when the request target cannot be read as a URL. */
function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
}

/** A percent-decoded call name; null for malformed encoding (%ZZ, a cut-off or invalid UTF-8 sequence). */
function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function isLoopbackOrigin(origin: string, port: number): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && isLoopbackHost(url.host, port);
  } catch {
    return false;
  }
}

/** The web host's own refusals carry their reason as `detail` (errors.invalid_request shows it). */
function refusal(code: string, message: string): Envelope {
  return errorEnvelope(code, message, { detail: message });
}

/** Contract answers carry the session's data: never cached, never sniffed as another type. */
function sendEnvelope(res: ServerResponse, status: number, body: Envelope): void {
  sendJson(res, status, body, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
}
