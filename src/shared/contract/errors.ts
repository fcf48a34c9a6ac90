import { z } from 'zod';
import { MessageParams } from './common';

/**
 * Error codes every transport can return. Capabilities add their own codes; these are the
 * ones the contract layer itself produces.
 */
export const ContractErrorCode = {
  unknownCall: 'unknown_call',
  invalidRequest: 'invalid_request',
  invalidResponse: 'invalid_response',
  forbidden: 'forbidden',
  internal: 'internal',
  unavailable: 'unavailable',
} as const;

export const ErrorInfo = z.object({
  code: z.string(),
  /** English text for logs and support; the UI shows the translated `messageKey`. */
  message: z.string(),
  messageKey: z.string(),
  params: MessageParams,
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** What a call returns over any transport. */
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);
export type Envelope = z.infer<typeof Envelope>;
