import { events, type EventName, type EventPayload } from '../../shared/contract';
import type { Logger } from '../logging/logger';

export type EventListener = (name: EventName, payload: unknown) => void;

/**
 * Fan-out of contract events to every transport (IPC windows, web host streams). Payloads are
 * validated here, once, so a service bug cannot push malformed data to the UI.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      this.log.error(`event ${name} dropped: payload outside the contract`, checked.error.issues.slice(0, 3));
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(name, checked.data);
      } catch (error) {
        this.log.warn(`event listener failed for ${name}`, error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
