import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { AlertsBar } from '../../src/renderer/components/AlertsBar';
import { QueueEntryCard } from '../../src/renderer/components/QueueEntryCard';
import { URGENT_AT_MINUTES, WARN_AT_MINUTES, urgencyOf } from '../../src/renderer/countdown';
import { makeEntry, makeSummary, testI18n } from './support';

const minutes = (n: number) => n * 60_000;

describe('the registration countdown', () => {
  it('warns at 60 minutes and urgently at 15, from one pair of thresholds', () => {
    expect([WARN_AT_MINUTES, URGENT_AT_MINUTES]).toEqual([60, 15]);
    expect(urgencyOf(minutes(61))).toBe('ok');
    expect(urgencyOf(minutes(60))).toBe('warn');
    expect(urgencyOf(minutes(16))).toBe('warn');
    expect(urgencyOf(minutes(15))).toBe('urgent');
    expect(urgencyOf(1)).toBe('urgent');
    expect(urgencyOf(0)).toBe('expired');
  });

  it('the queue card and the alerts bar say the same thing for the same registration', () => {
    const now = Date.now();
    // Half a minute over: the bar's own clock (a few milliseconds later) still reads 10 minutes.
    const expiresAt = new Date(now + minutes(10) + 30_000).toISOString();
    render(
      <I18nextProvider i18n={testI18n('en')}>
        <AlertsBar summary={makeSummary({ watched: [{ id: 'e1', patientName: 'Sunita Devi', portalRef: 'REG-1', expiresAt }] })} onOpenQueue={() => {}} />
        <ul>
          <QueueEntryCard entry={makeEntry({ state: 'registered', expiresAt, lastError: null })} now={now} busy={false} onRetry={() => {}} onResubmit={() => {}} onResolve={() => {}} />
        </ul>
      </I18nextProvider>,
    );
    const card = screen.getByTestId('countdown');
    expect(card.textContent).toMatch(/^Less than 15 minutes left: raise pre-authorisation now \(10 minutes\)$/);
    expect(card.getAttribute('role')).toBe('alert');
    expect(screen.getByTestId('alerts-bar').textContent).toContain(card.textContent);
  });
});
