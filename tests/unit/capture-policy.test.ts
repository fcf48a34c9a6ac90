import { describe, expect, it } from 'vitest';
import type { Finger } from '../../src/shared/contract/device';
import { applyAttempt, chooseFinger, DEFAULT_ROTATION, initialState, type CapturePolicyConfig, type PolicyState } from '../../src/main/device/capture/policy';

const config: CapturePolicyConfig = { attempts: 3, threshold: 40, rotation: DEFAULT_ROTATION };
let clock = 0;
const at = () => new Date(Date.UTC(2026, 10, 23, 10, 0, clock++));

type Step = number | string | null;
/** Feed a scripted sequence: a number is a successful capture of that quality, a string an errCode. */
function run(steps: Step[], cfg = config, start?: PolicyState): PolicyState {
  let state = start ?? initialState(cfg);
  for (const step of steps) {
    const input = typeof step === 'number' || step === null ? { errCode: '0', qScore: step, nmPoints: 30 } : { errCode: step, qScore: null, nmPoints: null };
    state = applyAttempt(cfg, state, { at: at(), ...input });
  }
  return state;
}

describe('capture policy', () => {
  it('accepts as soon as one attempt reaches the threshold', () => {
    const state = run([12, 45]);
    expect(state.phase).toBe('accepted');
    expect(state.finger).toBe('RIGHT_THUMB');
    expect(state.best?.qScore).toBe(45);
    expect(state.attempts.map((a) => a.outcome)).toEqual(['low-quality', 'accepted']);
    expect(state.guidance).toEqual({ key: 'capture.guidance.accepted', params: { quality: 45 } });
  });

  it('accepts at exactly the threshold, not below', () => {
    expect(run([40]).phase).toBe('accepted');
    expect(run([39.9]).phase).toBe('capturing');
  });

  it('retries the same finger with guidance that fits the failure', () => {
    expect(run([10]).guidance.key).toBe('capture.guidance.veryLow');
    expect(run([33]).guidance).toEqual({ key: 'capture.guidance.low', params: { quality: 33, threshold: 40 } });
    const fewPoints = applyAttempt(config, initialState(config), { at: at(), errCode: '0', qScore: 30, nmPoints: 8 });
    expect(fewPoints.guidance.key).toBe('capture.guidance.fewPoints');
    const timedOut = run(['700']);
    expect(timedOut.phase).toBe('capturing');
    expect(timedOut.guidance.key).toBe('rd.error.700');
    expect(timedOut.attemptOnFinger).toBe(1);
  });

  it('moves to the next finger of the rotation after the allowance, keeping the best attempt', () => {
    const state = run([20, 35, 30]);
    expect(state.phase).toBe('capturing');
    expect(state.finger).toBe('LEFT_THUMB');
    expect(state.attemptOnFinger).toBe(0);
    expect(state.guidance).toEqual({ key: 'capture.guidance.nextFinger', params: { finger: 'LEFT_THUMB' } });
    expect(state.best).toMatchObject({ finger: 'RIGHT_THUMB', qScore: 35 });
  });

  it('walks the whole rotation in order, then hands over to the fallbacks', () => {
    const fingers: Finger[] = [];
    let state = initialState(config);
    for (let i = 0; i < 12; i++) {
      fingers.push(state.finger);
      state = run([15 + i], config, state);
    }
    expect(fingers).toEqual(['RIGHT_THUMB', 'RIGHT_THUMB', 'RIGHT_THUMB', 'LEFT_THUMB', 'LEFT_THUMB', 'LEFT_THUMB', 'RIGHT_INDEX', 'RIGHT_INDEX', 'RIGHT_INDEX', 'LEFT_INDEX', 'LEFT_INDEX', 'LEFT_INDEX']);
    expect(state.phase).toBe('fallback');
    expect(state.guidance.key).toBe('capture.guidance.fallback');
    expect(state.best).toMatchObject({ finger: 'LEFT_INDEX', qScore: 26 });
    expect(state.attempts).toHaveLength(12);
  });

  it('does not count device problems as attempts, and resumes the same finger', () => {
    let state = run([20, '720', '710', '-1509']);
    expect(state.phase).toBe('device-problem');
    expect(state.guidance).toEqual({ key: 'rd.error.vendor', params: { code: '-1509', info: '' } });
    expect(state.attemptOnFinger).toBe(1);
    expect(state.attempts.filter((a) => a.outcome === 'device-error')).toHaveLength(3);
    state = run([25], config, state);
    expect(state.phase).toBe('capturing');
    expect(state.finger).toBe('RIGHT_THUMB');
    expect(state.attemptOnFinger).toBe(2);
  });

  it('a transport failure is a device problem with its own message', () => {
    const state = applyAttempt(config, initialState(config), { at: at(), errCode: 'rd_timeout', qScore: null, nmPoints: null, failure: { key: 'rd.transport.timeout', params: {} } });
    expect(state.phase).toBe('device-problem');
    expect(state.guidance.key).toBe('rd.transport.timeout');
    expect(state.attemptOnFinger).toBe(0);
  });

  it('honours a smaller allowance and a custom rotation', () => {
    const cfg: CapturePolicyConfig = { attempts: 1, threshold: 60, rotation: ['LEFT_INDEX', 'RIGHT_MIDDLE'] };
    const state = run([50, 55], cfg);
    expect(state.phase).toBe('fallback');
    expect(state.attempts.map((a) => a.finger)).toEqual(['LEFT_INDEX', 'RIGHT_MIDDLE']);
  });

  it('lets the operator choose a finger, with a fresh allowance, even after the fallback', () => {
    let state = run([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(state.phase).toBe('fallback');
    state = chooseFinger(state, 'RIGHT_MIDDLE');
    expect(state).toMatchObject({ phase: 'capturing', finger: 'RIGHT_MIDDLE', attemptOnFinger: 0 });
    state = run([41], config, state);
    expect(state.phase).toBe('accepted');
    expect(state.best?.finger).toBe('RIGHT_MIDDLE');
  });

  it('accepts a success from a service that reports no quality at all', () => {
    const state = run([null]);
    expect(state.phase).toBe('accepted');
    expect(state.guidance.key).toBe('capture.guidance.acceptedNoQuality');
  });

  it('records every attempt without any biometric data', () => {
    const state = run([20, '700', 50]);
    for (const attempt of state.attempts) expect(Object.keys(attempt).sort()).toEqual(['at', 'errCode', 'finger', 'nmPoints', 'outcome', 'qScore']);
  });
});
