import type { TFunction } from 'i18next';
import { formatDuration } from './format';

/**
 * The portal's clock on a registration it may cancel unless pre-authorisation is raised: every
 * screen warns an hour before, and urgently at 15 minutes. The only place these numbers live.
 */
export const WARN_AT_MINUTES = 60;
export const URGENT_AT_MINUTES = 15;

/** `ok` (no warning yet), `warn` (within the hour), `urgent` (within 15 minutes), `expired`. */
export type Urgency = 'ok' | 'warn' | 'urgent' | 'expired';

export function urgencyOf(msLeft: number): Urgency {
  if (msLeft <= 0) return 'expired';
  if (msLeft <= URGENT_AT_MINUTES * 60_000) return 'urgent';
  if (msLeft <= WARN_AT_MINUTES * 60_000) return 'warn';
  return 'ok';
}

/** Milliseconds from `now` until `expiresAt` (an ISO time). */
export function msLeft(expiresAt: string, now: number): number {
  return Date.parse(expiresAt) - now;
}

/** What the countdown says: the time left, the warning with its threshold, or that the time is up. */
export function countdownText(t: TFunction, left: number, language: string): string {
  const urgency = urgencyOf(left);
  if (urgency === 'expired') return t('queue.expired');
  if (urgency === 'ok') return t('queue.countdown', { time: formatDuration(left, language) });
  const minutes = urgency === 'urgent' ? URGENT_AT_MINUTES : WARN_AT_MINUTES;
  return `${t('queue.expiresSoon', { minutes })} (${formatDuration(left, language)})`;
}
