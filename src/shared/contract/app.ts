import { z } from 'zod';

export const Language = z.enum(['en', 'hi']);
export type Language = z.infer<typeof Language>;

/** `training` runs the simulated scanner and portal on loopback; `live` talks to the real ones. */
export const Mode = z.enum(['live', 'training']);
export type Mode = z.infer<typeof Mode>;

/** How the UI reaches the main process: the Electron preload or the loopback web host. */
export const Shell = z.enum(['electron', 'web']);
export type Shell = z.infer<typeof Shell>;

export const ModeReason = z.enum(['set-in-settings', 'portal-configured', 'no-portal-configured']);
export type ModeReason = z.infer<typeof ModeReason>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  mode: Mode,
  /** Why the mode was chosen, for support: set explicitly, or implied by whether a portal URL exists. */
  modeReason: ModeReason,
  shell: Shell,
  language: Language,
  kiosk: z.boolean(),
  hospital: z.object({ code: z.string(), name: z.string(), state: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SetLanguageRequest = z.strictObject({ language: Language });
