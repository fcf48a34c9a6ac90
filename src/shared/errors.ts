import type { Envelope, ErrorInfo } from './contract/errors';
import type { MessageParams } from './contract/common';

/**
 * A typed error that crosses the process boundary intact: a stable `code` for programs, an
 * i18n `messageKey` (with `params`) for the operator, and English text for logs and support.
 */
export class MitraError extends Error {
  readonly code: string;
  readonly messageKey: string;
  readonly params: MessageParams;

  constructor(code: string, message: string, options: { messageKey?: string; params?: MessageParams; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MitraError';
    this.code = code;
    this.messageKey = options.messageKey ?? `errors.${code}`;
    this.params = options.params ?? {};
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, messageKey: this.messageKey, params: this.params };
  }

  static fromInfo(info: ErrorInfo): MitraError {
    return new MitraError(info.code, info.message, { messageKey: info.messageKey, params: info.params });
  }
}

/** A failed call as every transport returns it. */
export function errorEnvelope(code: string, message: string, params: MessageParams = {}): Envelope {
  return { ok: false, error: new MitraError(code, message, { params }).toInfo() };
}
