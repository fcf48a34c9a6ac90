import { z } from 'zod';
import { MessageParams } from './common';

/**
 * The links a registration depends on, in the order a failure propagates:
 * the scanner feeds the RD service, the network carries to the portal, the portal serves the state.
 * `storage` is the kiosk's own disk, which everything else relies on.
 */
export const LinkId = z.enum(['scanner', 'rdService', 'network', 'portal', 'state', 'storage']);
export type LinkId = z.infer<typeof LinkId>;

export const LinkStatus = z.enum(['ok', 'warn', 'down', 'unknown']);
export type LinkStatus = z.infer<typeof LinkStatus>;

export const LinkReport = z.object({
  id: LinkId,
  status: LinkStatus,
  /** i18n key under `health.message`; the renderer translates it. */
  messageKey: z.string(),
  params: MessageParams,
  checkedAt: z.iso.datetime().nullable(),
});
export type LinkReport = z.infer<typeof LinkReport>;

export const HealthSnapshot = z.object({
  links: z.array(LinkReport),
  updatedAt: z.iso.datetime(),
});
export type HealthSnapshot = z.infer<typeof HealthSnapshot>;
