import { initReactI18next } from 'react-i18next';
import { createI18n } from '../shared/i18n';

/** The renderer's i18next instance, wired into React; the language comes from app.info. */
export const i18n = createI18n('en', [initReactI18next]);
