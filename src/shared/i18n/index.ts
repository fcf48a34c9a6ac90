import i18next, { type i18n, type Module, type ParseKeys, type TOptions } from 'i18next';
import type { Language } from '../contract/app';
import { en } from './en';
import { hi } from './hi';

export { en, hi };
export type { Translation } from './en';

export const resources = {
  en: { translation: en },
  hi: { translation: hi },
} as const;

export const languages: readonly Language[] = ['en', 'hi'];

/** A new, initialised i18next instance (never the global one); the renderer adds react-i18next. */
export function createI18n(language: Language, modules: Module[] = []): i18n {
  const instance = i18next.createInstance();
  for (const module of modules) instance.use(module);
  void instance.init({
    resources,
    lng: language,
    fallbackLng: 'en',
    initAsync: false,
    // React and terminals escape for themselves; the values are plain text.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

const shared = new Map<Language, i18n>();

/** Translate one key for main-process text and the CLI (one cached instance per language). */
export function translate(language: Language, key: string, params?: TOptions): string {
  let instance = shared.get(language);
  if (!instance) {
    instance = createI18n(language);
    shared.set(language, instance);
  }
  // The key comes at run time (a message key from anywhere in main): where i18next is typed with
  // the translations (the renderer's i18next.d.ts), it is one of them or shows as itself.
  return instance.t(key as ParseKeys, params ?? {});
}
