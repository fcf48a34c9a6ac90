import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Language, Mode, type ModeReason } from '../../shared/contract/app';
import { Finger, RdScheme } from '../../shared/contract/device';
import { MitraError } from '../../shared/errors';
import { isLoopbackHostname } from '../base/loopback';
import { writeFileAtomic } from '../base/atomic-file';
import { dataPaths } from './paths';

function httpsOrLoopback(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || isLoopbackHostname(parsed.hostname);
  } catch {
    return true; // not a URL at all: the url check reports that
  }
}

/** https, except for an adapter on this computer: credentials, tokens and PID blocks travel on it. */
export const PortalUrl = z.url({ protocol: /^https?$/ }).refine(httpsOrLoopback, 'must be https (plain http only to this computer)');

/**
 * The one typed settings file (settings.json in the data directory). Every field has a default
 * that runs out of the box; later capabilities add their sections here.
 */
export const Settings = z.strictObject({
  language: Language.default('en'),
  /** Full screen with no menu, for a dedicated desk PC. */
  kiosk: z.boolean().default(false),
  /** Leave unset to get `training` until a portal URL is configured, `live` after. */
  mode: Mode.optional(),
  hospital: z
    .strictObject({
      code: z.string().trim().max(32).default(''),
      name: z.string().trim().max(200).default(''),
      state: z.string().trim().max(64).default(''),
    })
    .prefault({}),
  portal: z
    .strictObject({
      url: PortalUrl.optional(),
      /** The desk's portal credentials (this file is written with mode 0600). */
      clientId: z.string().default(''),
      clientSecret: z.string().default(''),
      timeoutMs: z.int().min(1_000).max(120_000).default(15_000),
    })
    .prefault({}),
  /** Delivery of the local queue to the portal. */
  sync: z
    .strictObject({
      concurrency: z.int().min(1).max(8).default(2),
      baseDelayMs: z.int().min(100).max(60_000).default(2_000),
      maxDelayMs: z.int().min(1_000).max(3_600_000).default(300_000),
      /** Failures in a row that mean "the portal is down": stop sending, probe its health instead. */
      breakerThreshold: z.int().min(1).max(100).default(5),
      probeMs: z.int().min(200).max(300_000).default(5_000),
      maxProbeMs: z.int().min(1_000).max(3_600_000).default(60_000),
    })
    .prefault({}),
  /** After registration, how long the portal is expected to keep it without a pre-authorisation. */
  watchdog: z
    .strictObject({
      lifetimeMinutes: z.int().min(1).max(7 * 24 * 60).default(240),
      pollSeconds: z.int().min(1).max(3_600).default(60),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Below this much free disk the storage link warns; below `fullMb` it is down. */
      lowMb: z.int().min(1).default(500),
      fullMb: z.int().min(1).default(50),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(['error', 'warn', 'info', 'debug']).default('info') }).prefault({}),
  /** Where to look for RD services (rd-service.md: loopback, ports 11100-11120, http and https). */
  rd: z
    .strictObject({
      host: z.string().refine(isLoopbackHostname, 'RD services are only ever on this computer: 127.0.0.1, localhost or ::1').default('127.0.0.1'),
      ports: z.string().regex(/^\d+(-\d+)?(,\s*\d+(-\d+)?)*$/, 'like 11100-11120 or 11100,11105').default('11100-11120'),
      schemes: z.array(RdScheme).min(1).default(['http', 'https']),
      probeTimeoutMs: z.int().min(200).max(30_000).default(1_500),
      rescanMs: z.int().min(2_000).max(600_000).default(15_000),
    })
    .prefault({}),
  capture: z
    .strictObject({
      attempts: z.int().min(1).max(10).default(3),
      /** On a 0-100 scale; no official RD threshold exists, 40 is what registration clients use. */
      threshold: z.int().min(0).max(100).default(40),
      rotation: z.array(Finger).min(1).default(['RIGHT_THUMB', 'LEFT_THUMB', 'RIGHT_INDEX', 'LEFT_INDEX']),
      timeoutMs: z.int().min(3_000).max(60_000).default(10_000),
      env: z.enum(['P', 'PP', 'S']).default('P'),
      models: z.record(z.string(), z.strictObject({ threshold: z.int().min(0).max(100).optional(), attempts: z.int().min(1).max(10).optional() })).default({}),
      /** Buffered authentication: the longest a PID block may wait to be sent. */
      pidHoldMinutes: z.int().min(1).max(30).default(30),
    })
    .prefault({}),
  usb: z.strictObject({ pollMs: z.int().min(500).max(60_000).default(2_000) }).prefault({}),
  /** What the simulated scanner does in training mode. */
  training: z
    .strictObject({
      rdProfile: z.string().default('mantra-mfs100'),
      /** An emulator script (see src/main/device/emulator/script.ts); the default teaches one retry. */
      rdScript: z.record(z.string(), z.unknown()).optional(),
      /** The simulated portal: its synthetic data, its faults (see mitra-desk portal-sim --help), its registration lifetime. */
      portalSeed: z.int().min(0).default(7),
      portalFaults: z.string().default(''),
      portalLifetimeMinutes: z.number().positive().max(7 * 24 * 60).optional(),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof Settings>;

/** The settings file (or an override) is unusable; the message names the file and the field. */
export class SettingsError extends MitraError {
  constructor(message: string, readonly field?: string) {
    super('settings_invalid', message);
    this.name = 'SettingsError';
  }
}

/** Environment overrides, for tests and support. MITRA_DESK_SETTINGS is JSON merged over the file. */
const ENV_OVERRIDES: Record<string, (value: string) => Record<string, unknown>> = {
  MITRA_DESK_LANGUAGE: (v) => ({ language: v }),
  MITRA_DESK_MODE: (v) => ({ mode: v }),
  MITRA_DESK_KIOSK: (v) => ({ kiosk: v === '1' || v === 'true' }),
  MITRA_DESK_PORTAL_URL: (v) => ({ portal: { url: v } }),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function describeIssues(source: string, error: z.ZodError): SettingsError {
  const first = error.issues[0];
  const field = first && first.path.length > 0 ? first.path.join('.') : '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return new SettingsError(`${source}: field "${field}": ${first?.message ?? 'invalid'}${more}`, field);
}

function readRaw(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SettingsError(`${file}: cannot be read (${(cause as Error).message})`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SettingsError(`${file}: not valid JSON (${(cause as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new SettingsError(`${file}: must hold a JSON object`);
  return parsed;
}

function envPatch(env: NodeJS.ProcessEnv): Record<string, unknown> {
  let patch: Record<string, unknown> = {};
  for (const [name, toPatch] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== '') patch = deepMerge(patch, toPatch(value));
  }
  const json = env.MITRA_DESK_SETTINGS;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (cause) {
      throw new SettingsError(`MITRA_DESK_SETTINGS: not valid JSON (${(cause as Error).message})`);
    }
    if (!isPlainObject(parsed)) throw new SettingsError('MITRA_DESK_SETTINGS: must hold a JSON object');
    patch = deepMerge(patch, parsed);
  }
  return patch;
}

/**
 * Load settings: the file (created with defaults on first start), then environment overrides.
 * An invalid file is never rewritten: the operator's support person fixes the named field.
 */
export function loadSettings(dataDir: string, env: NodeJS.ProcessEnv = process.env): Settings {
  const file = dataPaths(dataDir).settings;
  const raw = readRaw(file);
  const fromFile = Settings.safeParse(raw);
  if (!fromFile.success) throw describeIssues(file, fromFile.error);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(fromFile.data, null, 2)}\n`);
  }
  const patch = envPatch(env);
  if (Object.keys(patch).length === 0) return fromFile.data;
  const merged = Settings.safeParse(deepMerge(raw, patch));
  if (!merged.success) throw describeIssues(`${file} with environment overrides`, merged.error);
  return merged.data;
}

/** Change fields in the settings file itself (not the environment overrides), atomically. */
export function updateSettingsFile(dataDir: string, patch: Record<string, unknown>): void {
  const file = dataPaths(dataDir).settings;
  const next = deepMerge(readRaw(file), patch);
  const checked = Settings.safeParse(next);
  if (!checked.success) throw describeIssues(file, checked.error);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
}

export interface ResolvedMode {
  mode: Mode;
  reason: ModeReason;
}

/** Training until a portal is configured; `live` without a portal URL is a settings error. */
export function resolveMode(settings: Settings): ResolvedMode {
  if (settings.mode === 'live' && !settings.portal.url) {
    throw new SettingsError('settings: field "portal.url": required when mode is "live"', 'portal.url');
  }
  const live = settings.mode === 'live' || (!settings.mode && settings.portal.url);
  if (live && (!settings.portal.clientId || !settings.portal.clientSecret)) {
    throw new SettingsError('settings: field "portal.clientId": the portal credentials (clientId and clientSecret) are required in live mode', 'portal.clientId');
  }
  if (live && (!settings.hospital.code || !settings.hospital.state)) {
    throw new SettingsError('settings: field "hospital.code": the hospital code and state are required in live mode', 'hospital.code');
  }
  if (settings.mode) return { mode: settings.mode, reason: 'set-in-settings' };
  return settings.portal.url ? { mode: 'live', reason: 'portal-configured' } : { mode: 'training', reason: 'no-portal-configured' };
}
