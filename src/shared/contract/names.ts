/**
 * The names of every call and event in the contract, and nothing else: no zod, no imports. The
 * preload bundles only this file (a sandboxed preload carries everything it uses), so it can
 * allowlist names without shipping the schemas. `./index.ts` declares the schemas and refuses to
 * type-check unless its calls and events are exactly these names.
 */

export const CALL_NAMES = [
  'app.info',
  'app.setLanguage',
  'health.snapshot',
  'device.scan',
  'device.status',
  'device.captureStart',
  'device.capture',
  'queue.summary',
  'queue.list',
  'queue.add',
  'queue.retryNow',
  'queue.resubmit',
  'queue.resolve',
  'training.portalFaults',
] as const;

export const EVENT_NAMES = ['health.changed', 'device.changed', 'queue.changed'] as const;

export type CallName = (typeof CALL_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const callNameSet: ReadonlySet<string> = new Set(CALL_NAMES);
const eventNameSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && callNameSet.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNameSet.has(name);
}
