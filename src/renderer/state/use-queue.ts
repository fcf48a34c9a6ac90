import { useCallback, useEffect, useState } from 'react';
import type { QueueEntry, QueueSummary, RegistrationState } from '../../shared/contract';
import { useClient } from '../api/context';

/** Summary and entries, refetched whenever the main process says the queue changed. */
export function useQueue(filter: RegistrationState | undefined) {
  const client = useClient();
  const [summary, setSummary] = useState<QueueSummary | null>(null);
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);

  const refresh = useCallback(() => {
    client.call('queue.summary', {}).then(setSummary, () => {});
    client.call('queue.list', filter ? { state: filter } : {}).then(setEntries, () => {});
  }, [client, filter]);

  useEffect(() => {
    const off = client.on('queue.changed', (next) => {
      setSummary(next);
      client.call('queue.list', filter ? { state: filter } : {}).then(setEntries, () => {});
    });
    refresh();
    return off;
  }, [client, filter, refresh]);

  return { summary, entries, refresh };
}
