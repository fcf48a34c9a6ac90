import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../base/clock';
import type { Message } from '../../../shared/contract/common';
import type { AttemptRecord, CaptureState, Finger, RdDeviceInfo, RdServiceEntry } from '../../../shared/contract/device';
import { MitraError } from '../../../shared/errors';
import type { Logger } from '../../logging/logger';
import type { RdClient } from '../rd/client';
import type { PidBlock } from '../../base/pid-block';
import type { PidOptions } from '../rd/pid-options';
import { applyAttempt, chooseFinger, initialState, type CapturePolicyConfig, type PolicyState } from './policy';

export interface CaptureSettings extends CapturePolicyConfig {
  timeoutMs: number;
  env: PidOptions['env'];
  /** Per device model (`mi`): a different threshold or allowance. */
  models: Record<string, Partial<Pick<CapturePolicyConfig, 'threshold' | 'attempts'>>>;
}

interface Session {
  id: string;
  config: CapturePolicyConfig;
  state: PolicyState;
  device: RdDeviceInfo | null;
  /** The best successful capture's PID block, in memory only, until `holdMs` passes. */
  pid: PidBlock | null;
  busy: boolean;
  touchedAt: number;
}

export interface SessionDeps {
  client: RdClient;
  settings: CaptureSettings;
  /** The service captures go to right now, and its device (from the last scan). */
  target: () => { service: RdServiceEntry; device: RdDeviceInfo | null } | null;
  /** Why there is no service to capture with (the device diagnosis), when there is none. */
  noTargetReason: () => Message;
  /** Per-model thresholds from the device catalogue, used when settings name none. */
  catalogueThreshold: (model: string) => number | undefined;
  log: Logger;
  /** How long a PID block may be held for buffered authentication. */
  holdMs: number;
  /** Persist each attempt (time, finger, errCode, quality, minutiae; never the PID block). */
  recordAttempt?: (sessionId: string, attempt: AttemptRecord) => void;
  now?: Clock;
}

const MAX_SESSIONS = 4;
const IDLE_MS = 15 * 60_000;

/**
 * Capture sessions in the main process: each applies the capture policy to real CAPTURE answers
 * and keeps the best attempt's PID block in memory only (never sent to the renderer, never
 * logged), dropped when the session ends, idles out or the hold time passes.
 */
export class CaptureSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: SessionDeps) {}

  start(finger?: Finger): CaptureState {
    this.sweep();
    const target = this.deps.target();
    const config = this.configFor(target?.device?.model ?? '');
    const session: Session = { id: randomUUID(), config, state: initialState(config, finger), device: target?.device ?? null, pid: null, busy: false, touchedAt: this.now().getTime() };
    this.sessions.set(session.id, session);
    while (this.sessions.size > MAX_SESSIONS) this.end(this.sessions.keys().next().value!);
    return this.view(session);
  }

  async capture(sessionId: string, finger?: Finger): Promise<CaptureState> {
    const session = this.get(sessionId);
    if (session.busy) throw new MitraError('capture_busy', 'a capture is already running in this session', { messageKey: 'capture.error.busy' });
    if (finger) session.state = chooseFinger(session.state, finger);
    if (session.state.phase === 'accepted') return this.view(session);

    const target = this.deps.target();
    if (!target) {
      session.state = applyAttempt(session.config, session.state, { at: this.now(), errCode: 'no_service', qScore: null, nmPoints: null, failure: this.deps.noTargetReason() });
      return this.view(session);
    }
    session.busy = true;
    try {
      const answer = await this.deps.client.capture(target.service, {
        fingerCount: 1,
        fingerType: 'BOTH',
        position: session.state.finger,
        timeoutMs: this.deps.settings.timeoutMs,
        env: this.deps.settings.env,
      });
      session.device = answer.device ?? target.device ?? session.device;
      session.state = applyAttempt(session.config, session.state, { at: this.now(), errCode: answer.errCode, qScore: answer.qScore, nmPoints: answer.nmPoints });
      // Keep only the best attempt's PID block; a worse one is dropped at once.
      if (answer.pid && session.state.best === session.state.last) session.pid = answer.pid;
    } catch (error) {
      const failure = error instanceof MitraError ? { key: error.messageKey, params: error.params } : { key: 'errors.internal', params: {} };
      if (!(error instanceof MitraError)) this.deps.log.error('capture failed unexpectedly', error);
      session.state = applyAttempt(session.config, session.state, {
        at: this.now(),
        errCode: error instanceof MitraError ? error.code : 'internal',
        qScore: null,
        nmPoints: null,
        failure,
      });
    } finally {
      session.busy = false;
      session.touchedAt = this.now().getTime();
    }
    const last = session.state.last!;
    try {
      this.deps.recordAttempt?.(session.id, last);
    } catch (error) {
      this.deps.log.warn('capture attempt not recorded', error instanceof Error ? error.message : error);
    }
    this.deps.log.info(`capture ${session.id.slice(0, 8)} ${last.finger} errCode=${last.errCode} qScore=${last.qScore ?? '-'} nmPoints=${last.nmPoints ?? '-'} -> ${session.state.phase}`);
    return this.view(session);
  }

  /**
   * The held PID block of a session's best capture, for the one caller that sends it; null once
   * the hold time has passed (it is then dropped).
   */
  takePid(sessionId: string): PidBlock | null {
    const session = this.sessions.get(sessionId);
    if (!session?.pid) return null;
    const pid = session.pid;
    session.pid = null;
    return this.now().getTime() - pid.capturedAt.getTime() <= this.deps.holdMs ? pid : null;
  }

  /** A handed-over PID block comes back unused (the registration could not be written). */
  restorePid(sessionId: string, pid: PidBlock): void {
    const session = this.sessions.get(sessionId);
    if (session && !session.pid && this.now().getTime() - pid.capturedAt.getTime() <= this.deps.holdMs) session.pid = pid;
  }

  end(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.pid = null;
    this.sessions.delete(sessionId);
  }

  state(sessionId: string): CaptureState {
    return this.view(this.get(sessionId));
  }

  private get(sessionId: string): Session {
    this.sweep();
    const session = this.sessions.get(sessionId);
    if (!session) throw new MitraError('capture_session_unknown', 'no such capture session (it may have timed out)', { messageKey: 'capture.error.sessionGone' });
    return session;
  }

  private sweep(): void {
    const now = this.now().getTime();
    for (const session of this.sessions.values()) {
      if (session.pid && now - session.pid.capturedAt.getTime() > this.deps.holdMs) session.pid = null;
      if (!session.busy && now - session.touchedAt > IDLE_MS) this.end(session.id);
    }
  }

  private configFor(model: string): CapturePolicyConfig {
    const { attempts, threshold, rotation, models } = this.deps.settings;
    const override = models[model] ?? {};
    return {
      attempts: override.attempts ?? attempts,
      threshold: override.threshold ?? this.deps.catalogueThreshold(model) ?? threshold,
      rotation,
    };
  }

  private view(session: Session): CaptureState {
    const { state, config } = session;
    return {
      sessionId: session.id,
      phase: state.phase,
      finger: state.finger,
      rotation: config.rotation,
      attempt: state.attemptOnFinger,
      attemptsPerFinger: config.attempts,
      threshold: config.threshold,
      guidance: state.guidance,
      last: state.last,
      best: state.best,
      attempts: state.attempts,
      device: session.device,
    };
  }

  private now(): Date {
    return (this.deps.now ?? systemClock)();
  }
}
