import type { Message, MessageParams } from '../../shared/contract/common';

/** A message for the renderer to translate: the main process sends keys and values, never sentences. */
export function message(key: string, params: MessageParams = {}): Message {
  return { key, params };
}
