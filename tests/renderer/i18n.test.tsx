import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { translateError, translateMessage } from '../../src/renderer/i18n';
import { MitraError } from '../../src/shared/errors';
import { en, hi } from '../../src/shared/i18n';
import { testI18n } from './support';

/**
 * Compile-time checks (tsc -p tests/renderer): the renderer's `t` knows the keys. If i18next.d.ts
 * stopped binding the translations, these @ts-expect-error lines would fail the typecheck.
 */
export function typedKeys(t: TFunction) {
  // @ts-expect-error: not a key
  t('a.wrong.key');
  // @ts-expect-error: a defaultValue does not excuse an unknown key (strictKeyChecks)
  t('queue.state.lost', { defaultValue: 'lost' });
  // @ts-expect-error: a key removed as unused
  t('capture.noDevice');
  const state = 'needs-action' as 'queued' | 'needs-action';
  return [t('queue.title'), t(`queue.state.${state}`), t('queue.attempts', { count: 2 })];
}

describe('renderer translations', () => {
  it('keys from enums resolve in both languages', () => {
    for (const [language, strings] of [['en', en], ['hi', hi]] as const) {
      const t = testI18n(language).t;
      expect(typedKeys(t)).toEqual([strings.queue.title, strings.queue.state['needs-action'], strings.queue.attempts_other.replace('{{count}}', '2')]);
    }
  });

  it('a message key from the main process is translated with its values', () => {
    const t = testI18n('hi').t;
    expect(translateMessage(t, 'health.message.storageLow', { freeMb: 80 })).toBe(hi.health.message.storageLow.replace('{{freeMb}}', '80'));
  });

  it('a message key no longer known (stored by an older version) shows a sentence, never the key', () => {
    expect(translateMessage(testI18n('hi').t, 'sync.reason.retiredLongAgo')).toBe(hi.errors.internal);
    expect(translateMessage(testI18n('en').t, 'sync.reason.retiredLongAgo')).toBe(en.errors.internal);
  });

  it('an error falls back from its key to its code to the general message', () => {
    const t = testI18n('en').t;
    expect(translateError(t, new MitraError('x', 'y', { messageKey: 'queue.error.unknown' }))).toBe(en.queue.error.unknown);
    expect(translateError(t, new MitraError('forbidden', 'y', { messageKey: 'nope' }))).toBe(en.errors.forbidden);
    expect(translateError(t, new MitraError('x', 'y', { messageKey: 'nope' }))).toBe(en.errors.internal);
  });
});
