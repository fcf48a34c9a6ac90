import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { OutgoingHttpHeaders, ServerResponse as HttpResponse } from 'node:http';
import { parseJson, readBody, sendJson } from '../../base/http';
import type { Faults } from './faults';
import type { SimState } from './state';

/** The portal contract's error envelope (docs/portal-api.yaml, `Error`): a stable code, a message, the field at fault. */
export function sendApiError(res: HttpResponse, status: number, code: string, message: string, options: { field?: string; headers?: OutgoingHttpHeaders } = {}): void {
  sendJson(res, status, { error: { code, message, ...(options.field ? { field: options.field } : {}) } }, options.headers);
}

/** One request as a handler sees it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's `:name` segments, still percent-encoded: a handler decodes where a bad one should fail. */
  params: Record<string, string>;
  state: SimState;
  /** Changes the faults and logs the change. */
  setFaults(spec: string): Faults;
}

export type Handler = (exchange: Exchange) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST';
  /** Literal segments and `:name` for one non-empty segment, e.g. `/registrations/:id/cancel`. */
  path: string;
  handle: Handler;
}

interface Compiled extends Route {
  pattern: RegExp;
}

export function compileRoutes(routes: Route[]): Compiled[] {
  return routes.map((route) => ({ ...route, pattern: new RegExp(`^${route.path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`) }));
}

/** The route for this method and path, with its parameters; null when none matches (a wrong method included). */
export function findRoute(routes: Compiled[], method: string | undefined, path: string): { route: Compiled; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: { ...match.groups } };
  }
  return null;
}

const MAX_BODY_BYTES = 256 * 1024;

/** The JSON body; an oversized or malformed one throws, which the server answers with 400 validation_failed. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === null) throw new Error('body too large');
  const parsed = parseJson(body);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The value checked against the contract's schema, or null once the first issue has been answered with 400. */
export function validate<S extends z.ZodType>(res: ServerResponse, schema: S, value: unknown): z.output<S> | null {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  sendApiError(res, 400, 'validation_failed', issue?.message ?? 'invalid', { field: issue?.path.join('.') });
  return null;
}
