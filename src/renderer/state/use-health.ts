import { useEffect, useState } from 'react';
import type { HealthSnapshot } from '../../shared/contract';
import { useClient } from '../api/context';

/** The health snapshot, fetched once and on every reconnect, then kept fresh by `health.changed`. */
export function useHealth(connected: boolean): HealthSnapshot | null {
  const client = useClient();
  const [snapshot, setSnapshot] = useState<HealthSnapshot | null>(null);
  // An answer to health.snapshot can arrive after a newer health.changed event: keep the newer one.
  const keepNewer = (next: HealthSnapshot) => setSnapshot((previous) => (previous && previous.updatedAt > next.updatedAt ? previous : next));
  useEffect(() => client.on('health.changed', keepNewer), [client]);
  useEffect(() => {
    if (!connected) return;
    let current = true;
    client.call('health.snapshot', {}).then(
      (value) => current && keepNewer(value),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, connected]);
  return snapshot;
}
