import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalogue, findModel, loadCatalogue } from '../../src/main/device/catalogue';
import { UDEV_RULES_FILE, udevRules } from '../../src/main/device/udev';
import { appPaths, repoRoot } from '../support/paths';

describe('device catalogue and udev rules', () => {
  const catalogue = loadCatalogue(appPaths.resourcesDir);

  it('the shipped catalogue is valid and has no duplicate USB identity', () => {
    const ids = catalogue.devices.map((d) => `${d.vid}:${d.pid}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(findModel(catalogue, 0x2c0f, 0x1005)?.model).toBe('MFS100');
    expect(findModel(catalogue, '2C0F', '1005')?.vendor).toBe('Mantra');
    expect(findModel(catalogue, 0xdead, 0xbeef)).toBeUndefined();
  });

  it('rejects a bad entry with the field named', () => {
    const bad = Catalogue.safeParse({ version: 1, devices: [{ ...catalogue.devices[0], vid: '2c0' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['devices', 0, 'vid']);
  });

  it('native/linux holds exactly the rules generated from the catalogue', () => {
    const shipped = readFileSync(join(repoRoot, 'native', 'linux', UDEV_RULES_FILE), 'utf8');
    expect(shipped).toBe(udevRules(catalogue));
    for (const device of catalogue.devices) expect(shipped).toContain(`ATTRS{idVendor}=="${device.vid}", ATTRS{idProduct}=="${device.pid}"`);
  });
});
