import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload } from '../../shared/contract';
import { useClient } from '../api/context';
import type { ConnectionState } from '../api/web-bridge';

/** Each pushed state and the call that fetches it whole. */
const LIVE = {
  'health.changed': 'health.snapshot',
  'device.changed': 'device.status',
  'queue.changed': 'queue.summary',
} as const satisfies Partial<Record<EventName, string>>;

/** The link to the main process (always connected inside Electron); provided by main.tsx. */
export const ConnectionContext = createContext<ConnectionState>('connecting');

/**
 * A value the main process pushes: fetched whole on (re)connect, then kept by its event. A fetched
 * answer that arrives after a newer event is dropped, so a slow answer never overwrites news.
 */
export function useLive<E extends keyof typeof LIVE>(event: E): EventPayload<E> | null {
  const client = useClient();
  const connected = useContext(ConnectionContext) === 'connected';
  const [value, setValue] = useState<EventPayload<E> | null>(null);
  const eventsSeen = useRef(0);
  useEffect(
    () =>
      client.on(event, (payload) => {
        eventsSeen.current++;
        setValue(payload);
      }),
    [client, event],
  );
  useEffect(() => {
    if (!connected) return;
    let current = true;
    const before = eventsSeen.current;
    const call: (typeof LIVE)[keyof typeof LIVE] = LIVE[event];
    client.call(call, {}).then(
      (answer) => {
        if (current && eventsSeen.current === before) setValue(answer as EventPayload<E>);
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, event, connected]);
  return value;
}
