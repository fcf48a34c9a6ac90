import { inspect } from 'node:util';

/**
 * The encrypted PID block exactly as the RD service returned it. It is forwarded untouched and
 * never parsed, logged or serialised by accident: JSON, string conversion and util.inspect all
 * show a placeholder. Only `reveal()` gives the bytes, for the one place that sends them.
 */
export class PidBlock {
  readonly #xml: string;
  readonly capturedAt: Date;

  constructor(xml: string, capturedAt = new Date()) {
    this.#xml = xml;
    this.capturedAt = capturedAt;
  }

  get byteLength(): number {
    return Buffer.byteLength(this.#xml, 'utf8');
  }

  /** The PidData XML, for transmission only. */
  reveal(): string {
    return this.#xml;
  }

  /** Base64 of the PidData XML, as the claims-exchange verify call carries it. */
  toBase64(): string {
    return Buffer.from(this.#xml, 'utf8').toString('base64');
  }

  toString(): string {
    return `[PID block, ${this.byteLength} bytes]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
