import { calls, events, Envelope, type CallName, type CallRequest, type CallResponse, type EventName, type EventPayload } from '../../shared/contract';
import { ContractErrorCode } from '../../shared/contract/errors';
import type { MitraBridge } from '../../shared/contract/transport';
import { MitraError } from '../../shared/errors';

/**
 * What the renderer needs of the main process: typed calls and typed events. Screens, hooks and
 * the live provider depend on this interface (tests give them a fake), never on a transport.
 */
export interface Client {
  /** Resolves with the contract's answer; rejects only with a MitraError. */
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>>;
  /** Follows an event; returns the function that stops following it. */
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}

/**
 * The renderer's typed view of the contract over whichever bridge is present. Answers and events
 * are validated here too: the UI never renders data that does not match the contract.
 */
export class MitraClient implements Client {
  constructor(readonly bridge: MitraBridge) {}

  async call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>> {
    let raw: unknown;
    try {
      raw = await this.bridge.call(name, request);
    } catch (cause) {
      throw new MitraError(ContractErrorCode.unavailable, `call ${name} failed: ${(cause as Error).message}`, { cause });
    }
    const envelope = Envelope.safeParse(raw);
    if (!envelope.success) throw new MitraError(ContractErrorCode.invalidResponse, `answer to ${name} is not an envelope`);
    if (!envelope.data.ok) throw MitraError.fromInfo(envelope.data.error);
    const value = calls[name].response.safeParse(envelope.data.value);
    if (!value.success) throw new MitraError(ContractErrorCode.invalidResponse, `answer to ${name} is outside the contract`);
    return value.data as CallResponse<N>;
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    return this.bridge.on(name, (payload) => {
      const checked = events[name].safeParse(payload);
      if (checked.success) listener(checked.data as EventPayload<N>);
      else console.warn(`dropped ${name} event outside the contract`);
    });
  }
}
