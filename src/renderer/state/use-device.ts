import { useEffect, useState } from 'react';
import type { DeviceStatus } from '../../shared/contract';
import { useClient } from '../api/context';

/** The device picture: fetched once, then kept fresh by `device.changed`. */
export function useDevice(): DeviceStatus | null {
  const client = useClient();
  const [status, setStatus] = useState<DeviceStatus | null>(null);
  useEffect(() => client.on('device.changed', setStatus), [client]);
  useEffect(() => {
    let current = true;
    client.call('device.status', {}).then(
      (value) => current && setStatus((previous) => previous ?? value),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client]);
  return status;
}
