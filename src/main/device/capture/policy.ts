import type { AttemptRecord, CapturePhase, Finger } from '../../../shared/contract/device';
import { message } from '../../base/message';
import type { Message } from '../../../shared/contract/common';
import { meaningOf } from '../rd/error-codes';

export interface CapturePolicyConfig {
  /** Attempts per finger before moving to the next one. */
  attempts: number;
  /** Accept at or above this quality (0-100). */
  threshold: number;
  /** Fingers in the order to try them. */
  rotation: Finger[];
}

export const DEFAULT_ROTATION: Finger[] = ['RIGHT_THUMB', 'LEFT_THUMB', 'RIGHT_INDEX', 'LEFT_INDEX'];

export interface PolicyState {
  phase: CapturePhase;
  finger: Finger;
  /** Attempts that counted against the current finger. */
  attemptOnFinger: number;
  /** Fingers already given up on (their attempts used). */
  triedFingers: Finger[];
  guidance: Message;
  last: AttemptRecord | null;
  best: AttemptRecord | null;
  attempts: AttemptRecord[];
}

/** What one capture produced, as the policy sees it (the PID block stays with the session). */
export interface AttemptInput {
  at: Date;
  errCode: string;
  qScore: number | null;
  nmPoints: number | null;
  /** Set when no answer could be read at all (timeout, unreachable, bad XML): a device problem. */
  failure?: Message;
}

/** Below this, the print is faint: dry or worn skin, or a dirty glass. */
const VERY_LOW = 20;
/** Fewer minutiae than this: the finger's centre is not on the glass. */
const FEW_POINTS = 15;


export function initialState(config: CapturePolicyConfig, finger?: Finger): PolicyState {
  const start = finger ?? config.rotation[0] ?? 'RIGHT_THUMB';
  return {
    phase: 'capturing',
    finger: start,
    attemptOnFinger: 0,
    triedFingers: [],
    guidance: message('capture.guidance.place', { finger: start }),
    last: null,
    best: null,
    attempts: [],
  };
}

/** The operator picks a finger (an injured thumb, a bandage): its allowance starts fresh. */
export function chooseFinger(state: PolicyState, finger: Finger): PolicyState {
  if (finger === state.finger && state.phase !== 'fallback') return state;
  return { ...state, phase: 'capturing', finger, attemptOnFinger: 0, guidance: message('capture.guidance.place', { finger }) };
}

function better(a: AttemptRecord | null, b: AttemptRecord): AttemptRecord {
  if (b.errCode !== '0') return a ?? b;
  if (!a || a.errCode !== '0') return b;
  return (b.qScore ?? -1) > (a.qScore ?? -1) ? b : a;
}

function guidanceFor(record: AttemptRecord, config: CapturePolicyConfig): Message {
  if (record.outcome === 'finger-error') return message(meaningOf(record.errCode).messageKey, { code: record.errCode, info: '' });
  const quality = Math.round(record.qScore ?? 0);
  if (quality < VERY_LOW) return message('capture.guidance.veryLow', { quality, threshold: config.threshold });
  if (record.nmPoints !== null && record.nmPoints < FEW_POINTS) return message('capture.guidance.fewPoints', { quality, threshold: config.threshold });
  return message('capture.guidance.low', { quality, threshold: config.threshold });
}

/**
 * The capture policy's decision after one attempt: accept as soon as one reaches the threshold;
 * otherwise retry the same finger with specific guidance until its attempts are used, then move
 * to the next finger of the rotation, and after the last one hand over to the verification
 * fallbacks. Device problems never use up an attempt.
 */
export function applyAttempt(config: CapturePolicyConfig, state: PolicyState, input: AttemptInput): PolicyState {
  const base = { at: input.at.toISOString(), finger: state.finger, errCode: input.errCode, qScore: input.qScore, nmPoints: input.nmPoints };

  if (input.failure || (input.errCode !== '0' && meaningOf(input.errCode).category === 'device')) {
    const record: AttemptRecord = { ...base, outcome: 'device-error' };
    const guidance = input.failure ?? message(meaningOf(input.errCode).messageKey, { code: input.errCode, info: '' });
    return { ...state, phase: 'device-problem', guidance, last: record, attempts: [...state.attempts, record] };
  }

  // A service that reports no quality cannot be judged: accept what it calls a success.
  const accepted = input.errCode === '0' && (input.qScore === null || input.qScore >= config.threshold);
  const outcome: AttemptRecord['outcome'] = accepted ? 'accepted' : input.errCode === '0' ? 'low-quality' : 'finger-error';
  const record: AttemptRecord = { ...base, outcome };
  const attempts = [...state.attempts, record];
  const best = better(state.best, record);

  if (accepted) {
    const guidance = input.qScore === null ? message('capture.guidance.acceptedNoQuality') : message('capture.guidance.accepted', { quality: Math.round(input.qScore) });
    return { ...state, phase: 'accepted', guidance, last: record, best: record, attempts, attemptOnFinger: state.attemptOnFinger + 1 };
  }

  const attemptOnFinger = state.attemptOnFinger + 1;
  if (attemptOnFinger < config.attempts) {
    return { ...state, phase: 'capturing', attemptOnFinger, guidance: guidanceFor(record, config), last: record, best, attempts };
  }

  const triedFingers = state.triedFingers.includes(state.finger) ? state.triedFingers : [...state.triedFingers, state.finger];
  const next = config.rotation.find((finger) => !triedFingers.includes(finger));
  if (next) {
    return { ...state, phase: 'capturing', finger: next, attemptOnFinger: 0, triedFingers, guidance: message('capture.guidance.nextFinger', { finger: next }), last: record, best, attempts };
  }
  return { ...state, phase: 'fallback', attemptOnFinger, triedFingers, guidance: message('capture.guidance.fallback'), last: record, best, attempts };
}
