import { fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import { ErrorBanner } from '../../src/renderer/components/ErrorBanner';
import type { Language } from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { en, hi } from '../../src/shared/i18n';
import { testI18n } from './support';

function show(error: MitraError | null, language: Language, onRetry?: () => void) {
  return render(
    <I18nextProvider i18n={testI18n(language)}>
      <ErrorBanner error={error} onRetry={onRetry} />
    </I18nextProvider>,
  );
}

const notRetryable = new MitraError('queue_not_retryable', 'entry e1 is registered', { messageKey: 'queue.error.notRetryable' });

describe('ErrorBanner', () => {
  it.each([
    ['en', en.queue.error.notRetryable],
    ['hi', hi.queue.error.notRetryable],
  ] as const)('shows the error in the operator’s language (%s), as an alert', (language, text) => {
    show(notRetryable, language);
    expect(screen.getByRole('alert')).toHaveProperty('textContent', text);
    expect(screen.getByRole('alert').dataset.code).toBe('queue_not_retryable');
  });

  it('fills in the error’s values in both languages', () => {
    const server = new MitraError('portal_server', 'HTTP 503', { messageKey: 'portal.error.server', params: { status: 503 } });
    show(server, 'en');
    expect(screen.getByRole('alert').textContent).toBe('The portal had an error (HTTP 503).');
    show(server, 'hi');
    expect(screen.getAllByRole('alert')[1]?.textContent).toBe(hi.portal.error.server.replace('{{status}}', '503'));
  });

  it('never shows a bare key: an unknown key falls back to its code’s words, then to the general message', () => {
    show(new MitraError('unavailable', 'x', { messageKey: 'no.such.key' }), 'hi');
    expect(screen.getByRole('alert').textContent).toBe(hi.errors.unavailable);
    show(new MitraError('rd_bogus', 'x', { messageKey: 'no.such.key' }), 'en');
    expect(screen.getAllByRole('alert')[1]?.textContent).toBe(en.errors.internal);
  });

  it('shows nothing without an error', () => {
    const { container } = show(null, 'en');
    expect(container.textContent).toBe('');
  });

  it('offers Try again (in Hindi too) when given something to retry', () => {
    const retry = vi.fn();
    show(notRetryable, 'hi', retry);
    fireEvent.click(screen.getByRole('button', { name: hi.app.tryAgain }));
    expect(retry).toHaveBeenCalledOnce();
  });
});
