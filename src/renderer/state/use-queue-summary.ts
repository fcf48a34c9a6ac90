import { useEffect, useState } from 'react';
import type { QueueSummary } from '../../shared/contract';
import { useClient } from '../api/context';

/** The queue summary for alerts anywhere in the app: fetched once, then kept by queue.changed. */
export function useQueueSummary(connected: boolean): QueueSummary | null {
  const client = useClient();
  const [summary, setSummary] = useState<QueueSummary | null>(null);
  useEffect(() => client.on('queue.changed', setSummary), [client]);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    client.call('queue.summary', {}).then(
      (value) => live && setSummary(value),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [client, connected]);
  return summary;
}
