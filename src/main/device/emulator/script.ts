import { z } from 'zod';
import { RdStatus } from '../../../shared/contract/device';

/** One scripted CAPTURE answer. */
export const CaptureStep = z.strictObject({
  errCode: z.string().default('0'),
  errInfo: z.string().optional(),
  qScore: z.number().min(0).max(100).optional(),
  nmPoints: z.int().min(0).optional(),
  delayMs: z.int().min(0).max(120_000).optional(),
  /** Accept the request and never answer. */
  hang: z.boolean().optional(),
  /** Send the headers and part of the body, then drop the connection. */
  dieMidAnswer: z.boolean().optional(),
  /** Send this body verbatim (malformed or hostile XML for tests). */
  raw: z.string().optional(),
});
export type CaptureStep = z.input<typeof CaptureStep>;

/**
 * Scripted behaviour for an emulated RD service: status, answers to CAPTURE in order (then the
 * last again, or round again with `repeat: cycle`), delays and hangs, the device certificate's age.
 */
export const EmulatorScript = z.strictObject({
  status: RdStatus.default('READY'),
  captures: z.array(CaptureStep).default([]),
  repeat: z.enum(['last', 'cycle']).default('last'),
  delayMs: z.int().min(0).max(120_000).default(0),
  hang: z.strictObject({ rdservice: z.boolean().default(false), deviceinfo: z.boolean().default(false) }).prefault({}),
  /** Days until the device certificate expires (negative: already expired). */
  certificateDaysLeft: z.int().min(-3650).max(3650).default(700),
});
export type EmulatorScript = z.output<typeof EmulatorScript>;
export type EmulatorScriptInput = z.input<typeof EmulatorScript>;

/** The default when nothing is scripted: a good capture every time. */
export const GOOD_CAPTURE = { errCode: '0', qScore: 72, nmPoints: 41 } as const;
