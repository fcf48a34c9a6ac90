import type { ParseKeys, TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { MessageParams } from '../shared/contract';
import type { MitraError } from '../shared/errors';
import { createI18n } from '../shared/i18n';

/** The renderer's i18next instance, wired into React; the language comes from app.info. */
export const i18n = createI18n('en', [initReactI18next]);

/** Every key of the translations (plural and context suffixes folded), as `t` accepts them. */
export type MessageKey = ParseKeys;

/**
 * The one place a key that arrived at run time (a Message from the main process, a link report)
 * becomes a typed key. Keys written in the renderer go straight to `t` and are checked by the
 * compiler (see i18next.d.ts); only these cannot be.
 */
export function translateMessage(t: TFunction, key: string, params: MessageParams = {}): string {
  // A key stored by an older version may no longer exist: the operator reads a sentence, never a key.
  return t([key, 'errors.internal'] as MessageKey[], params);
}

/**
 * An error in the operator's words: its own message key, else the one for its code, else the
 * general "something went wrong" (never a bare key on the screen).
 */
export function translateError(t: TFunction, error: MitraError): string {
  return t([error.messageKey, `errors.${error.code}`, 'errors.internal'] as MessageKey[], error.params);
}
