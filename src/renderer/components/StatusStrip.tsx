import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthSnapshot, LinkId, LinkReport } from '../../shared/contract';
import { translateMessage } from '../i18n';

const SEVERITY = { down: 3, warn: 2, unknown: 1, ok: 0 } as const;

/** The worst link first, so the summary names the broken one. */
export function worstLink(links: LinkReport[]): LinkReport | undefined {
  return [...links].sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status])[0];
}

interface Props {
  snapshot: HealthSnapshot | null;
}

/**
 * The chain at a glance: one chip per link, coloured by state and named in words (never colour
 * alone). Tapping a chip shows what the check found; otherwise the worst link's message shows.
 */
export function StatusStrip({ snapshot }: Props) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<LinkId | null>(null);
  if (!snapshot) return <section className="status-strip" aria-busy="true" aria-label={t('health.title')} />;

  const worst = worstLink(snapshot.links);
  const problem = worst && (worst.status === 'down' || worst.status === 'warn') ? worst : undefined;
  const detail = snapshot.links.find((link) => link.id === selected) ?? problem;

  return (
    <section className="status-strip" aria-label={t('health.title')}>
      <ul>
        {snapshot.links.map((link) => (
          <li key={link.id}>
            <button
              type="button"
              className={`chip chip-${link.status}`}
              data-link={link.id}
              data-status={link.status}
              aria-pressed={selected === link.id}
              onClick={() => setSelected(selected === link.id ? null : link.id)}
            >
              <span className="dot" aria-hidden="true" />
              <span className="chip-name">{t(`health.link.${link.id}`)}</span>
              <span className="chip-status">{t(`health.status.${link.status}`)}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="status-detail" role="status" aria-live="polite">
        {detail ? (
          <>
            <strong>{problem === detail && !selected ? t('health.summaryProblem', { link: t(`health.link.${detail.id}`) }) : t(`health.link.${detail.id}`)}</strong>{' '}
            {translateMessage(t, detail.messageKey, detail.params)}
          </>
        ) : snapshot.links.some((link) => link.status === 'unknown') ? (
          t('health.summaryUnchecked')
        ) : (
          t('health.summaryOk')
        )}
      </p>
    </section>
  );
}
