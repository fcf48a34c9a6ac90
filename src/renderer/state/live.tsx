import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DeviceStatus, EventPayload, HealthSnapshot, QueueSummary } from '../../shared/contract';
import type { MitraError } from '../../shared/errors';
import type { Client } from '../api/client';
import { useConnection } from '../api/connection-provider';
import { useClient } from '../api/context';
import { toMitraError } from './use-action';

type LiveEvent = 'health.changed' | 'device.changed' | 'queue.changed';

/** Each state the main process pushes, and the call that fetches it whole. */
const FETCH: { [E in LiveEvent]: (client: Client) => Promise<EventPayload<E>> } = {
  'health.changed': (client: Client) => client.call('health.snapshot', {}),
  'device.changed': (client: Client) => client.call('device.status', {}),
  'queue.changed': (client: Client) => client.call('queue.summary', {}),
};
const LIVE_EVENTS = Object.keys(FETCH) as LiveEvent[];

/** A pushed state as last known, and the failure of its fetch while nothing newer has come. */
type Slots = { [E in LiveEvent]: { value: EventPayload<E> | null; error: MitraError | null } };
const EMPTY: Slots = {
  'health.changed': { value: null, error: null },
  'device.changed': { value: null, error: null },
  'queue.changed': { value: null, error: null },
};

export interface Live {
  health: HealthSnapshot | null;
  device: DeviceStatus | null;
  queue: QueueSummary | null;
  /** A fetch that failed and that no event has made up for since (for an ErrorBanner). */
  error: MitraError | null;
  /** Fetch every state whole again. */
  refresh(): void;
}

const LiveContext = createContext<Live | null>(null);

/**
 * The one holder of what the main process pushes (health, device, queue summary): each is fetched
 * whole when the link to the main process is (re)established, then kept by its event. A fetched
 * answer that arrives after a newer event is dropped, so a slow answer never overwrites news.
 * Every screen reads from here; nothing else follows these events.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const connected = useConnection() === 'connected';
  const [slots, setSlots] = useState<Slots>(EMPTY);
  const [round, setRound] = useState(0);
  /** Events received per state: a fetch started before the latest one is stale. */
  const eventsSeen = useRef<Record<LiveEvent, number>>({ 'health.changed': 0, 'device.changed': 0, 'queue.changed': 0 });

  useEffect(() => {
    const follow = <E extends LiveEvent>(event: E) =>
      client.on(event, (payload) => {
        eventsSeen.current[event]++;
        setSlots((slots) => ({ ...slots, [event]: { value: payload, error: null } }));
      });
    const stops = LIVE_EVENTS.map(follow);
    return () => stops.forEach((stop) => stop());
  }, [client]);

  useEffect(() => {
    if (!connected) return;
    let current = true;
    const fetchWhole = <E extends LiveEvent>(event: E) => {
      const before = eventsSeen.current[event];
      const fresh = () => current && eventsSeen.current[event] === before;
      FETCH[event](client).then(
        (value) => {
          if (fresh()) setSlots((slots) => ({ ...slots, [event]: { value, error: null } }));
        },
        (cause: unknown) => {
          if (fresh()) setSlots((slots) => ({ ...slots, [event]: { value: slots[event].value, error: toMitraError(cause) } }));
        },
      );
    };
    LIVE_EVENTS.forEach(fetchWhole);
    return () => {
      current = false;
    };
  }, [client, connected, round]);

  const refresh = useCallback(() => setRound((n) => n + 1), []);
  const live = useMemo<Live>(
    () => ({
      health: slots['health.changed'].value,
      device: slots['device.changed'].value,
      queue: slots['queue.changed'].value,
      error: LIVE_EVENTS.map((event) => slots[event].error).find((error) => error !== null) ?? null,
      refresh,
    }),
    [slots, refresh],
  );
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

/** The pushed states (see LiveProvider). */
export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}
