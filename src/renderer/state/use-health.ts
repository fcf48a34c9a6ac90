import { useEffect, useState } from 'react';
import type { HealthSnapshot } from '../../shared/contract';
import { useClient } from '../api/context';

/** The health snapshot, fetched once and on every reconnect, then kept fresh by `health.changed`. */
export function useHealth(connected: boolean): HealthSnapshot | null {
  const client = useClient();
  const [snapshot, setSnapshot] = useState<HealthSnapshot | null>(null);
  useEffect(() => client.on('health.changed', setSnapshot), [client]);
  useEffect(() => {
    if (!connected) return;
    let current = true;
    client.call('health.snapshot', {}).then(
      (value) => current && setSnapshot(value),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, connected]);
  return snapshot;
}
