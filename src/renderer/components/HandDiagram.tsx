import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Finger } from '../../shared/contract';

interface Props {
  current: Finger;
  tried: Finger[];
  accepted: Finger | null;
  disabled: boolean;
  onChoose(finger: Finger): void;
}

type Digit = 'THUMB' | 'INDEX' | 'MIDDLE' | 'RING' | 'LITTLE';

/** Finger outlines for a left hand seen palm-down; the right hand is its mirror image. */
const LEFT_HAND: Record<Digit, { x: number; y: number; w: number; h: number; rotate: number }> = {
  LITTLE: { x: 22, y: 62, w: 24, h: 62, rotate: -8 },
  RING: { x: 52, y: 34, w: 26, h: 84, rotate: -3 },
  MIDDLE: { x: 84, y: 22, w: 27, h: 94, rotate: 0 },
  INDEX: { x: 117, y: 36, w: 26, h: 84, rotate: 4 },
  THUMB: { x: 137, y: 104, w: 28, h: 66, rotate: 40 },
};

/**
 * Both hands, each finger a touch target: the current finger is filled, tried ones are marked,
 * the accepted one is green. Keyboard: Tab to a finger, Enter or Space to choose it.
 */
export function HandDiagram({ current, tried, accepted, disabled, onChoose }: Props) {
  const { t } = useTranslation();
  const hands = [
    { side: 'LEFT' as const, dx: 0, mirror: false },
    { side: 'RIGHT' as const, dx: 420, mirror: true },
  ];
  const onKey = (finger: Finger) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (!disabled) onChoose(finger);
    }
  };
  return (
    <svg className="hands" viewBox="0 0 420 200" role="group" aria-label={t('capture.chooseFinger')}>
      {hands.map(({ side, dx, mirror }) => (
        <g key={side} transform={mirror ? `translate(${dx} 0) scale(-1 1)` : undefined}>
          <rect className="palm" x={20} y={112} width={140} height={80} rx={30} />
          {(Object.keys(LEFT_HAND) as Digit[]).map((digit) => {
            const finger = `${side}_${digit}` as Finger;
            const { x, y, w, h, rotate } = LEFT_HAND[digit];
            const state = finger === accepted ? 'accepted' : finger === current ? 'current' : tried.includes(finger) ? 'tried' : 'idle';
            const label = `${t(`capture.finger.${finger}`)}${state === 'current' ? ` (${t('capture.fingerCurrent')})` : state === 'tried' ? ` (${t('capture.fingerTried')})` : ''}`;
            return (
              <rect
                key={digit}
                className={`finger finger-${state}`}
                data-finger={finger}
                data-state={state}
                x={x}
                y={y}
                width={w}
                height={h}
                rx={w / 2}
                transform={`rotate(${rotate} ${x + w / 2} ${y + h})`}
                role="button"
                tabIndex={disabled ? -1 : 0}
                aria-label={label}
                aria-pressed={state === 'current'}
                aria-disabled={disabled}
                onClick={() => !disabled && onChoose(finger)}
                onKeyDown={onKey(finger)}
              >
                <title>{label}</title>
              </rect>
            );
          })}
        </g>
      ))}
      <text className="hand-label" x={95} y={198} textAnchor="middle">
        {t('capture.hand.left')}
      </text>
      <text className="hand-label" x={325} y={198} textAnchor="middle">
        {t('capture.hand.right')}
      </text>
    </svg>
  );
}
