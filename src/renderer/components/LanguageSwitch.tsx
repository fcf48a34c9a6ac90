import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../shared/contract';
import { languages } from '../../shared/i18n';

interface Props {
  language: Language;
  onChange(language: Language): void;
}

/** Two large toggle buttons; Alt+L flips between them from anywhere. */
export function LanguageSwitch({ language, onChange }: Props) {
  const { t } = useTranslation();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        onChange(language === 'en' ? 'hi' : 'en');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [language, onChange]);

  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {languages.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          className="toggle"
          aria-pressed={code === language}
          title={t('language.switchTo', { language: t(`language.${code}`) })}
          onClick={() => onChange(code)}
        >
          {t(`language.${code}`)}
        </button>
      ))}
    </div>
  );
}
