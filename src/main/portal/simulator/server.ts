import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Clock } from '../../base/clock';
import { sleep } from '../../base/scheduler';
import type { Logger } from '../../logging/logger';
import type { Registration } from '../schemas';
import { bearerRefusal, PUBLIC_ROUTES, SECURED_ROUTES } from './api-routes';
import { CONTROL_ROUTES } from './control-routes';
import type { SimFamily } from './data';
import type { Faults } from './faults';
import { compileRoutes, findRoute, sendApiError, type Exchange } from './router';
import { SimState, type SimulatorState } from './state';


export interface SimulatorOptions {
  port: number;
  seed?: number;
  /** After this long without a pre-authorisation, an active registration is cancelled (the field report's 4 hours). */
  lifetimeMs?: number;
  faults?: string;
  /** The portal rejects PID blocks older than this (UIDAI error 561; threshold not published). */
  pidMaxAgeMs?: number;
  log?: Logger;
  now?: Clock;
}

export interface PortalSimulator {
  port: number;
  url: string;
  families: SimFamily[];
  setFaults(spec: string): Faults;
  state(): SimulatorState;
  /** The portal raises pre-authorisation (stops the cancellation clock) or cancels, as real staff would. */
  setStatus(registrationId: string, status: Registration['status']): void;
  close(): Promise<void>;
}

const PUBLIC = compileRoutes(PUBLIC_ROUTES);
const SECURED = compileRoutes(SECURED_ROUTES);
const CONTROL = compileRoutes(CONTROL_ROUTES);

/**
 * A real HTTP server implementing docs/portal-api.yaml on loopback, with seeded synthetic
 * beneficiaries and the field failures switchable at run time. It deduplicates on
 * Idempotency-Key and records every accepted registration, so tests can prove exactly-once.
 */
export async function startPortalSimulator(options: SimulatorOptions): Promise<PortalSimulator> {
  const seed = options.seed ?? 1;
  const lifetimeMs = options.lifetimeMs ?? 4 * 3_600_000;
  const log = options.log;
  const state = new SimState({ seed, now: options.now ?? systemClock, lifetimeMs, pidMaxAgeMs: options.pidMaxAgeMs ?? 60 * 60_000, ...(options.faults ? { faults: options.faults } : {}) });
  const sockets = new Set<Socket>();

  const setFaults = (spec: string): Faults => {
    const faults = state.setFaults(spec);
    log?.info(`portal simulator faults: ${spec}`);
    return faults;
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Parsed here, not before: a target such as `//` throws, and must become a 400, not an uncaught exception.
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const exchange = (params: Record<string, string>): Exchange => ({ req, res, url, params, state, setFaults });
    if (path.startsWith('/__sim/')) {
      const found = findRoute(CONTROL, req.method, path);
      return found ? found.route.handle(exchange(found.params)) : sendApiError(res, 404, 'not_found', 'no such control');
    }
    state.countRequest(req.method, path);
    if (!(await passesFaults(req, res))) return;
    const open = findRoute(PUBLIC, req.method, path);
    if (open) return open.route.handle(exchange(open.params));
    // Unknown paths are refused like secured ones: without a token nothing about the portal shows.
    const refused = bearerRefusal(exchange({}));
    if (refused) return sendApiError(res, refused.status, refused.code, refused.message);
    const secured = findRoute(SECURED, req.method, path);
    if (secured) return secured.route.handle(exchange(secured.params));
    sendApiError(res, 404, 'not_found', `no route ${req.method} ${path}`);
  }

  /** The field failures, in the order a real path to the portal shows them; false once one has answered (or dropped) the request. */
  async function passesFaults(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (state.faults.outage) {
      req.socket.destroy();
      return false;
    }
    if (state.faults.timeout) return false; // accepted, never answered
    if (state.faults.slowMs > 0) await sleep(state.faults.slowMs);
    const retryAfterS = state.takeRateLimit();
    if (retryAfterS !== null) {
      sendApiError(res, 429, 'rate_limited', 'too many requests', { headers: { 'Retry-After': String(retryAfterS) } });
      return false;
    }
    if (state.takeServerError()) {
      sendApiError(res, 503, 'portal_unavailable', 'the portal is temporarily unavailable');
      return false;
    }
    if (state.takeMalformed()) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('<html><body>Gateway says hello</body></html>');
      return false;
    }
    return true;
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendApiError(res, 400, 'validation_failed', (error as Error).message);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log?.info(`portal simulator listening on http://127.0.0.1:${port} (seed ${seed}, lifetime ${Math.round(lifetimeMs / 1000)} s)`);

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    families: state.families,
    setFaults,
    state: () => state.snapshot(),
    setStatus: (registrationId, status) => {
      state.setStatus(registrationId, status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
