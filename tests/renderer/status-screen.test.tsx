import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StatusScreen } from '../../src/renderer/screens/StatusScreen';
import type { DeviceStatus } from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { en } from '../../src/shared/i18n';
import { collectUnhandledRejections, deferred, liveClient, makeDevice, renderDesk } from './support';

describe('StatusScreen', () => {
  const unhandled = collectUnhandledRejections();

  it('reads the links and the device from the live provider, and follows device.changed', async () => {
    const client = liveClient();
    renderDesk(<StatusScreen />, { client });
    await waitFor(() => expect(document.querySelector('[data-link="portal"]')?.textContent).toContain(en.health.message.portalOk));
    expect(document.querySelector('[data-diagnosis]')?.getAttribute('data-diagnosis')).toBe('not-plugged');
    client.emit('device.changed', makeDevice({ diagnosis: 'in-use', message: { key: 'device.diagnosis.in-use', params: {} } }));
    expect(document.querySelector('[data-diagnosis]')?.textContent).toBe(en.device.diagnosis['in-use']);
  });

  it('a failed rescan is shown in the banner, never an unhandled rejection', async () => {
    const scan = deferred<DeviceStatus>();
    const client = liveClient().answer('device.scan', () => scan.promise);
    renderDesk(<StatusScreen />, { client });
    const button = screen.getByRole<HTMLButtonElement>('button', { name: en.device.scan });
    fireEvent.click(button);
    expect(button.disabled).toBe(true);
    await act(async () => scan.reject(new MitraError('rd_timeout', 'RD service timeout', { messageKey: 'rd.transport.timeout' })));
    expect((await screen.findByTestId('error-banner')).textContent).toBe(en.rd.transport.timeout);
    expect(button.disabled).toBe(false);
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(unhandled).toEqual([]);
  });
});
