import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callNames, calls, eventNames, events } from '../../src/shared/contract';
import { CALL_NAMES, EVENT_NAMES, isCallName, isEventName } from '../../src/shared/contract/names';
import { repoRoot } from '../support/paths';

const sorted = (names: Iterable<string>) => [...names].sort();

/** `tsc` already refuses a contract whose names differ from the list; this is the same promise at run time. */
describe('contract names (the zod-free list the preload ships)', () => {
  it('names exactly the calls and events the zod contract declares', () => {
    expect(sorted(CALL_NAMES)).toEqual(sorted(Object.keys(calls)));
    expect(sorted(EVENT_NAMES)).toEqual(sorted(Object.keys(events)));
    expect(callNames).toEqual([...CALL_NAMES]);
    expect(eventNames).toEqual([...EVENT_NAMES]);
  });

  it('lists each name once, and no name is both a call and an event', () => {
    expect(new Set(CALL_NAMES).size).toBe(CALL_NAMES.length);
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
    expect(CALL_NAMES.filter((name) => (EVENT_NAMES as readonly string[]).includes(name))).toEqual([]);
  });

  it('allows listed names only: not prototype keys, other cases, events as calls, or non-strings', () => {
    for (const name of CALL_NAMES) expect(isCallName(name)).toBe(true);
    for (const name of EVENT_NAMES) expect(isEventName(name)).toBe(true);
    const refused = ['', 'app.shutdown', 'APP.INFO', ' app.info', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 42, null, undefined, {}, ['app.info']];
    for (const name of refused) {
      expect(isCallName(name)).toBe(false);
      expect(isEventName(name)).toBe(false);
    }
    for (const name of EVENT_NAMES) expect(isCallName(name)).toBe(false);
    for (const name of CALL_NAMES) expect(isEventName(name)).toBe(false);
  });

  it('imports nothing, so the preload that uses it never bundles zod or the schemas', () => {
    const text = readFileSync(join(repoRoot, 'src', 'shared', 'contract', 'names.ts'), 'utf8');
    expect(text).not.toMatch(/^\s*(import|export\s+[^;]*\bfrom\b)/m);
    expect(text).not.toMatch(/\brequire\(/);
  });
});
