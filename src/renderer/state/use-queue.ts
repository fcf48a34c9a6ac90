import { useEffect, useState } from 'react';
import type { QueueEntry, RegistrationState } from '../../shared/contract';
import { useClient } from '../api/context';
import { useLive } from './use-live';

/** The queue summary (pushed) and the entries for a filter, listed again whenever the summary changes. */
export function useQueue(filter: RegistrationState | undefined) {
  const client = useClient();
  const summary = useLive('queue.changed');
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  useEffect(() => {
    let current = true;
    client.call('queue.list', filter ? { state: filter } : {}).then(
      (value) => current && setEntries(value),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client, filter, summary]);
  return { summary, entries };
}
