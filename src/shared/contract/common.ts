import { z } from 'zod';

/** Interpolation values for a translated message: plain scalars only, never markup. */
export const MessageParams = z.record(z.string(), z.union([z.string(), z.number()]));
export type MessageParams = z.infer<typeof MessageParams>;

/** A message the renderer translates: an i18n key and its values. */
export const Message = z.object({ key: z.string(), params: MessageParams });
export type Message = z.infer<typeof Message>;
