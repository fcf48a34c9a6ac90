import { act, render, type RenderResult } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import type { i18n as I18n } from 'i18next';
import { StrictMode, type ReactElement } from 'react';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import type { Client } from '../../src/renderer/api/client';
import { ConnectionContext } from '../../src/renderer/api/connection-provider';
import { ClientContext } from '../../src/renderer/api/context';
import type { ConnectionState } from '../../src/renderer/api/web-bridge';
import { LiveProvider } from '../../src/renderer/state/live';
import {
  calls,
  events,
  type CallName,
  type CallRequest,
  type CallResponse,
  type DeviceStatus,
  type EventName,
  type EventPayload,
  type HealthSnapshot,
  type Language,
  type QueueEntry,
  type QueueSummary,
} from '../../src/shared/contract';
import { MitraError } from '../../src/shared/errors';
import { createI18n } from '../../src/shared/i18n';

type Handler<N extends CallName> = (request: CallRequest<N>) => CallResponse<N> | Promise<CallResponse<N>>;

/**
 * The renderer's Client without a main process: each call answers from a handler the test sets
 * (checked against the contract, as the real client checks answers), and the test pushes events.
 * A call with no handler fails with a MitraError, as an unknown call does.
 */
export class FakeClient implements Client {
  readonly requests: { name: CallName; request: unknown }[] = [];
  private readonly handlers = new Map<CallName, Handler<never>>();
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  answer<N extends CallName>(name: N, handler: Handler<N>): this {
    this.handlers.set(name, handler as unknown as Handler<never>);
    return this;
  }

  async call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>> {
    this.requests.push({ name, request });
    const handler = this.handlers.get(name) as Handler<N> | undefined;
    if (!handler) throw new MitraError('unknown_call', `no fake answer for ${name}`);
    return calls[name].response.parse(await handler(request)) as CallResponse<N>;
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const untyped = listener as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Push an event as the main process would (validated against the contract). */
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const checked = events[name].parse(payload);
    act(() => {
      for (const listener of this.listeners.get(name) ?? []) listener(checked);
    });
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  callsTo(name: CallName): unknown[] {
    return this.requests.filter((r) => r.name === name).map((r) => r.request);
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(cause: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (cause: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A fresh i18next instance wired into React, as the renderer's own (src/renderer/i18n.ts). */
export function testI18n(language: Language = 'en'): I18n {
  return createI18n(language, [initReactI18next]);
}

export interface DeskOptions {
  client?: FakeClient;
  language?: Language;
  connection?: ConnectionState;
}

/** Everything main.tsx puts around the app (StrictMode included), with a fake client. */
export function renderDesk(ui: ReactElement, { client = new FakeClient(), language = 'en', connection = 'connected' }: DeskOptions = {}) {
  const i18n = testI18n(language);
  const tree = (state: ConnectionState, children: ReactElement) => (
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ClientContext.Provider value={client}>
          <ConnectionContext.Provider value={state}>
            <LiveProvider>{children}</LiveProvider>
          </ConnectionContext.Provider>
        </ClientContext.Provider>
      </I18nextProvider>
    </StrictMode>
  );
  const result: RenderResult = render(tree(connection, ui));
  return {
    ...result,
    client,
    i18n,
    /** The link to the main process changes (lost, back). */
    setConnection: (state: ConnectionState) => result.rerender(tree(state, ui)),
  };
}

const AT = '2026-11-25T05:00:00.000Z';

export function makeSummary(overrides: Partial<QueueSummary> = {}): QueueSummary {
  return {
    counts: { queued: 0, sending: 0, registered: 0, 'needs-action': 0, 'cancelled-by-portal': 0, resubmitted: 0, resolved: 0 },
    oldestPendingAt: null,
    portal: 'online',
    hold: null,
    lastDeliveryAt: null,
    cancelled: [],
    watched: [],
    ...overrides,
  };
}

export function makeEntry(overrides: Partial<QueueEntry> = {}): QueueEntry {
  return {
    id: 'e1',
    kind: 'inpatient',
    state: 'needs-action',
    patientName: 'Sunita Devi',
    beneficiaryId: 'PMJAY-BR-000123',
    aadhaarLast4: null,
    createdAt: AT,
    updatedAt: AT,
    attempts: 1,
    nextAttemptAt: null,
    lastError: { key: 'sync.reason.admittedElsewhere', params: {} },
    portalRef: null,
    portalStatus: null,
    expiresAt: null,
    cancelledReason: null,
    resubmittedFrom: null,
    resubmittedAs: null,
    history: [],
    ...overrides,
  };
}

export function makeHealth(status: 'ok' | 'down' = 'ok'): HealthSnapshot {
  return {
    links: [{ id: 'portal', status, messageKey: status === 'ok' ? 'health.message.portalOk' : 'health.message.portalDown', params: {}, checkedAt: AT }],
    updatedAt: AT,
  };
}

export function makeDevice(overrides: Partial<DeviceStatus> = {}): DeviceStatus {
  return {
    services: [],
    selected: null,
    usb: { available: true, reason: null, devices: [] },
    diagnosis: 'not-plugged',
    message: { key: 'device.diagnosis.not-plugged', params: {} },
    scannedAt: AT,
    ...overrides,
  };
}

/** A client answering the three live fetches with quiet defaults. */
export function liveClient(summary: QueueSummary = makeSummary()): FakeClient {
  return new FakeClient()
    .answer('health.snapshot', () => makeHealth())
    .answer('device.status', () => makeDevice())
    .answer('queue.summary', () => summary);
}

/** Unhandled rejections seen during each test of the calling describe block: a screen must leave none. */
export function collectUnhandledRejections(): unknown[] {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown) => seen.push(reason);
  beforeEach(() => {
    seen.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  return seen;
}
