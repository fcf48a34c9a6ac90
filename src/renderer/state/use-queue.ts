import { useCallback, useEffect, useState } from 'react';
import type { QueueEntry, RegistrationState } from '../../shared/contract';
import { useClient } from '../api/context';
import { useLive } from './live';
import { useAction } from './use-action';

/**
 * The queue summary (pushed) and the entries for a filter, listed again whenever the summary
 * changes (or on `reload`); `list` carries the listing's busy flag and error. An answer for an
 * older filter or summary is dropped.
 */
export function useQueue(filter: RegistrationState | undefined) {
  const client = useClient();
  const { queue: summary } = useLive();
  const list = useAction();
  const { run } = list;
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  useEffect(() => {
    let current = true;
    void run(() => client.call('queue.list', filter ? { state: filter } : {})).then((outcome) => {
      if (current && outcome.ok) setEntries(outcome.value);
    });
    return () => {
      current = false;
    };
  }, [client, run, filter, summary, reloads]);
  return { summary, entries, list, reload };
}
