import 'i18next';
import type { Translation } from '../shared/i18n';

/**
 * The renderer's `t` knows every key: `t('a.wrong.key')` does not compile. Keys that arrive at
 * run time from the main process (messages, errors) go through `translateMessage` in i18n.ts.
 */
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Translation };
    // A defaultValue does not excuse an unknown key.
    strictKeyChecks: true;
  }
}
