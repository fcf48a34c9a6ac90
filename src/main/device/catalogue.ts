import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MitraError } from '../../shared/errors';

const Hex4 = z
  .string()
  .regex(/^[0-9a-f]{4}$/i, 'four hex digits')
  .transform((value) => value.toLowerCase());

/** What a device is for: what the desk needs to know about it. */
export const DeviceKind = z.enum(['fingerprint', 'iris', 'face', 'barcode']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const CatalogueEntry = z.strictObject({
  vendor: z.string().min(1),
  model: z.string().min(1),
  kind: DeviceKind,
  /** `hid` devices are listed by hidapi; `vendor` (vendor-specific class) ones only by libusb or the RD service. */
  usbClass: z.enum(['hid', 'vendor', 'serial']),
  vid: Hex4,
  pid: Hex4,
  /** Seen in a driver or udev source naming the device; unconfirmed ids are kept but flagged. */
  confirmed: z.boolean(),
  source: z.string().min(1),
  /** Capture quality threshold for this model, when its qScore scale differs (0-100). */
  qualityThreshold: z.int().min(0).max(100).optional(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntry>;

export const Catalogue = z.strictObject({
  version: z.literal(1),
  devices: z.array(CatalogueEntry).min(1),
});
export type Catalogue = z.infer<typeof Catalogue>;

export const CATALOGUE_FILE = 'devices.json';

/** The device catalogue shipped in resources/ (data, so support can add a model without a release). */
export function loadCatalogue(resourcesDir: string): Catalogue {
  const file = join(resourcesDir, CATALOGUE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MitraError('catalogue_invalid', `${file}: cannot be read as JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = Catalogue.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MitraError('catalogue_invalid', `${file}: field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}

/** Look a USB identity up in the catalogue. */
export function findModel(catalogue: Catalogue, vid: number | string, pid: number | string): CatalogueEntry | undefined {
  const hex = (id: number | string) => (typeof id === 'number' ? id.toString(16).padStart(4, '0') : id.toLowerCase());
  return catalogue.devices.find((entry) => entry.vid === hex(vid) && entry.pid === hex(pid));
}
