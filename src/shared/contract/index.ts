/**
 * The typed contract between the renderer and the main process: every call the renderer can
 * make and every event it can receive, each with a zod schema. Both transports (Electron IPC
 * and the loopback web host) carry exactly this, and both ends validate against it.
 */
import { z } from 'zod';
import { AppInfo, SetLanguageRequest } from './app';
import { HealthSnapshot } from './health';

const Empty = z.strictObject({});

function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

export const calls = {
  'app.info': call(Empty, AppInfo),
  'app.setLanguage': call(SetLanguageRequest, AppInfo),
  'health.snapshot': call(Empty, HealthSnapshot),
} as const;

export const events = {
  'health.changed': HealthSnapshot,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

export * from './common';
export * from './app';
export * from './health';
export * from './errors';
