/**
 * The typed contract between the renderer and the main process: every call the renderer can
 * make and every event it can receive, each with a zod schema. Both transports (Electron IPC
 * and the loopback web host) carry exactly this, and both ends validate against it.
 */
import { z } from 'zod';
import { AppInfo, SetLanguageRequest } from './app';
import { CaptureRequest, CaptureStartRequest, CaptureState, DeviceStatus } from './device';
import { HealthSnapshot } from './health';
import { CALL_NAMES, EVENT_NAMES, type CallName, type EventName } from './names';
import { QueueEntry, QueueIdRequest, QueueListRequest, QueueResolveRequest, QueueSummary, RegistrationInput } from './queue';

const Empty = z.strictObject({});

function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const calls = {
  'app.info': call(Empty, AppInfo),
  'app.setLanguage': call(SetLanguageRequest, AppInfo),
  'health.snapshot': call(Empty, HealthSnapshot),
  /** Discover RD services and USB devices now. */
  'device.scan': call(Empty, DeviceStatus),
  /** The last known device picture (no new scan). */
  'device.status': call(Empty, DeviceStatus),
  /** Begin a capture session (optionally on a chosen finger). */
  'device.captureStart': call(CaptureStartRequest, CaptureState),
  /** One capture attempt in a session; `finger` switches finger first. */
  'device.capture': call(CaptureRequest, CaptureState),
  /** Counts by state, the oldest pending entry, the portal link, cancelled registrations. */
  'queue.summary': call(Empty, QueueSummary),
  'queue.list': call(QueueListRequest, z.array(QueueEntry)),
  /** Record a registration locally (one transaction with its outbox entry); sync sends it. */
  'queue.add': call(RegistrationInput, QueueEntry),
  /** Send a queued or needs-action entry now, ignoring its backoff. */
  'queue.retryNow': call(QueueIdRequest, QueueEntry),
  /** Register again, from stored data, with a new key; the new entry is linked to the old. */
  'queue.resubmit': call(QueueIdRequest, QueueEntry),
  /** Close an entry that needs action, with the operator's reason (audited). */
  'queue.resolve': call(QueueResolveRequest, QueueEntry),
  /** Training mode only: make the simulated portal fail as in the field (see portal-sim faults). */
  'training.portalFaults': call(z.strictObject({ spec: z.string().max(200) }), z.object({ spec: z.string() })),
} as const satisfies Record<CallName, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  'health.changed': HealthSnapshot,
  'device.changed': DeviceStatus,
  'queue.changed': QueueSummary,
} as const satisfies Record<EventName, z.ZodType>;

/**
 * The schemas above and the zod-free name list in `./names.ts` (all the preload ships) must name
 * the same calls and events: a name missing on either side fails `tsc` here, and
 * tests/unit/contract-names.test.ts checks the same at run time.
 */
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _callsMatchNames: SameNames<keyof typeof calls, CallName> = true;
const _eventsMatchNames: SameNames<keyof typeof events, EventName> = true;

export type Calls = typeof calls;
export type { CallName, EventName };
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;

export const callNames: CallName[] = [...CALL_NAMES];
export const eventNames: EventName[] = [...EVENT_NAMES];

export { isCallName } from './names';

export * from './common';
export * from './app';
export * from './health';
export * from './device';
export * from './queue';
export * from './errors';
