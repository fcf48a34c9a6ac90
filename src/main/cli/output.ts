import type { Language } from '../../shared/contract/app';
import { Language as LanguageSchema } from '../../shared/contract/app';
import { translate } from '../../shared/i18n';
import type { Message } from '../../shared/contract/common';
import { UsageError, writeLine } from './command';

/** `--lang en|hi`; English by default. */
export function parseLanguage(value: string | undefined): Language {
  if (value === undefined) return 'en';
  const parsed = LanguageSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--lang must be en or hi, not "${value}"`);
  return parsed.data;
}

export function say(language: Language, message: Message): string {
  return translate(language, message.key, message.params);
}

/**
 * Stored or portal text made safe for a terminal line: C0 and C1 controls, DEL and bidi
 * overrides/isolates are shown as escapes (\x1B, \u202E), so a name cannot move the cursor,
 * retitle the window, hide text or reorder a line.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`;
  });
}

/** With --json: exactly one JSON document on stdout. */
export function printJson(stream: NodeJS.WritableStream, value: unknown): void {
  writeLine(stream, JSON.stringify(value, null, 2));
}

export function parseIntOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}
