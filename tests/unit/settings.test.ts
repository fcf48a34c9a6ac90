import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../src/main/config/paths';
import { loadSettings, resolveMode, SettingsError, updateSettingsFile } from '../../src/main/config/settings';
import { useTempDirs } from '../support/temp';

const tempDir = useTempDirs();

function expectSettingsError(run: () => unknown, field: string, text: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).field).toBe(field);
    expect((error as Error).message).toMatch(text);
    return;
  }
  throw new Error('expected a SettingsError');
}

describe('settings', () => {
  it('runs out of the box: defaults written on first start, training mode while no portal is set', () => {
    const dir = tempDir();
    const settings = loadSettings(dir, {});
    expect(settings.language).toBe('en');
    expect(settings.kiosk).toBe(false);
    expect(resolveMode(settings)).toEqual({ mode: 'training', reason: 'no-portal-configured' });
    const written = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(written.language).toBe('en');
  });

  it('goes live when a portal URL is configured, and refuses live without one', () => {
    const dir = tempDir();
    const live = { portal: { url: 'https://portal.example/api', clientId: 'desk-1', clientSecret: 's3cret' }, hospital: { code: 'H1', state: 'BR' } };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(live));
    expect(resolveMode(loadSettings(dir, {}))).toEqual({ mode: 'live', reason: 'portal-configured' });
    expect(resolveMode(loadSettings(dir, { MITRA_DESK_MODE: 'training' }))).toEqual({ mode: 'training', reason: 'set-in-settings' });
    const other = tempDir();
    writeFileSync(join(other, 'settings.json'), JSON.stringify({ mode: 'live' }));
    expectSettingsError(() => resolveMode(loadSettings(other, {})), 'portal.url', /required when mode is "live"/);
    writeFileSync(join(other, 'settings.json'), JSON.stringify({ ...live, portal: { url: live.portal.url } }));
    expectSettingsError(() => resolveMode(loadSettings(other, {})), 'portal.clientId', /credentials/);
    writeFileSync(join(other, 'settings.json'), JSON.stringify({ portal: live.portal }));
    expectSettingsError(() => resolveMode(loadSettings(other, {})), 'hospital.code', /hospital code and state/);
  });

  it('names the file and the field when the file is invalid, and leaves the file as it was', () => {
    const dir = tempDir();
    const file = join(dir, 'settings.json');
    const bad = JSON.stringify({ portal: { url: 'not a url' } });
    writeFileSync(file, bad);
    expectSettingsError(() => loadSettings(dir, {}), 'portal.url', /settings\.json: field "portal\.url"/);
    expect(readFileSync(file, 'utf8')).toBe(bad);

    writeFileSync(file, JSON.stringify({ portal: { url: 'http://portal.example/api' } }));
    expectSettingsError(() => loadSettings(dir, {}), 'portal.url', /must be https/);
    writeFileSync(file, JSON.stringify({ portal: { url: 'http://127.0.0.1:4010' } }));
    expect(loadSettings(dir, {}).portal.url).toBe('http://127.0.0.1:4010');

    writeFileSync(file, JSON.stringify({ langauge: 'hi' }));
    expectSettingsError(() => loadSettings(dir, {}), '(top level)', /langauge/);

    writeFileSync(file, JSON.stringify({ hospital: { state: 42 } }));
    expectSettingsError(() => loadSettings(dir, {}), 'hospital.state', /hospital\.state/);
  });

  it('reports broken JSON plainly', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), '{ "language": "hi", ');
    expect(() => loadSettings(dir, {})).toThrow(/settings\.json: not valid JSON/);
  });

  it('applies environment overrides without writing them to the file', () => {
    const dir = tempDir();
    const settings = loadSettings(dir, { MITRA_DESK_LANGUAGE: 'hi', MITRA_DESK_SETTINGS: '{"hospital":{"code":"H1","state":"BR"}}' });
    expect(settings.language).toBe('hi');
    expect(settings.hospital).toMatchObject({ code: 'H1', state: 'BR' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).language).toBe('en');
    expectSettingsError(() => loadSettings(dir, { MITRA_DESK_LANGUAGE: 'fr' }), 'language', /environment overrides/);
  });

  it('updates fields atomically and validates before writing', () => {
    const dir = tempDir();
    loadSettings(dir, {});
    updateSettingsFile(dir, { language: 'hi' });
    expect(loadSettings(dir, {}).language).toBe('hi');
    expect(() => updateSettingsFile(dir, { language: 'xx' })).toThrow(SettingsError);
    expect(loadSettings(dir, {}).language).toBe('hi');
    expect(existsSync(join(dir, 'settings.json'))).toBe(true);
  });

  it('finds the data directory as Electron would, unless told otherwise', () => {
    expect(defaultDataDir({}, 'linux', '/home/op')).toBe('/home/op/.config/Mitra Desk');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/op')).toBe('/cfg/Mitra Desk');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32', 'C:\\Users\\op')).toContain('Mitra Desk');
    expect(resolveDataDir('/explicit', { MITRA_DESK_DATA_DIR: '/env' })).toBe('/explicit');
    expect(resolveDataDir(undefined, { MITRA_DESK_DATA_DIR: '/env' })).toBe('/env');
  });
});
