import type { z } from 'zod';
import { calls, isCallName, type CallName, type CallResponse, type Calls } from '../../shared/contract';
import { ContractErrorCode, type Envelope } from '../../shared/contract/errors';
import { MitraError } from '../../shared/errors';
import type { Logger } from '../logging/logger';

/** Who is calling: the Electron window over IPC, or a page on the loopback web host. */
export interface CallContext {
  transport: 'ipc' | 'web';
}

export type Handler<N extends CallName> = (
  request: z.output<Calls[N]['request']>,
  context: CallContext,
) => Promise<CallResponse<N>> | CallResponse<N>;

/** One implementation per contract call; the type makes a missing one a compile error. */
export type Handlers = { [N in CallName]: Handler<N> };

export type Dispatch = (name: unknown, payload: unknown, context: CallContext) => Promise<Envelope>;

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}

/**
 * The single entry point for every call from any transport: unknown names and payloads that do not
 * match the schema are refused before a handler runs; answers are checked on the way out; typed
 * errors pass through, anything else becomes `internal` (logged, never shown raw).
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (name, payload, context) => {
    if (!isCallName(name)) {
      log.warn('refused unknown call', { name: typeof name === 'string' ? name.slice(0, 80) : typeof name, transport: context.transport });
      return fail(new MitraError(ContractErrorCode.unknownCall, 'unknown call'));
    }
    const spec = calls[name];
    const request = spec.request.safeParse(payload);
    if (!request.success) {
      const detail = summarise(request.error);
      log.warn('refused invalid request', { name, detail, transport: context.transport });
      return fail(new MitraError(ContractErrorCode.invalidRequest, `invalid request for ${name}: ${detail}`, { params: { detail } }));
    }
    try {
      const handler = handlers[name] as Handler<CallName>;
      const value = await handler(request.data as never, context);
      const response = spec.response.safeParse(value);
      if (!response.success) {
        log.error('handler answered outside the contract', { name, detail: summarise(response.error) });
        return fail(new MitraError(ContractErrorCode.invalidResponse, `invalid response from ${name}`));
      }
      return { ok: true, value: response.data };
    } catch (error) {
      if (error instanceof MitraError) return fail(error);
      log.error(`call ${name} failed`, error);
      return fail(new MitraError(ContractErrorCode.internal, 'internal error'));
    }
  };
}

function fail(error: MitraError): Envelope {
  return { ok: false, error: error.toInfo() };
}
