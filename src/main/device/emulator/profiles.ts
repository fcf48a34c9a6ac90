/**
 * Vendor profiles: the observable differences between RD services that client code must cope
 * with (interface paths and their forms, interface order, info strings, attribute casing, http or
 * https, fingerprint or iris). The Morpho/IDEMIA info strings and the path forms come from
 * ../shared/domain/rd-service.md; other names and versions are illustrative, not vendor data.
 */
export interface VendorProfile {
  name: string;
  label: string;
  defaultScheme: 'http' | 'https';
  info: string;
  /** How RDSERVICE writes each path; `{origin}` and `{hostport}` are filled in at run time. */
  capturePath: string;
  deviceInfoPath: string;
  /** Where the emulator actually serves them. */
  captureRoute: string;
  deviceInfoRoute: string;
  deviceInfoFirst: boolean;
  /** The id RDSERVICE gives the device-info interface (default DEVICEINFO; some services say INFO). */
  deviceInfoId?: string;
  /** False: RDSERVICE declares no interfaces at all, leaving clients to the vendor's default paths. */
  declaresInterfaces?: boolean;
  /** `dpId/rdsId/rdsVer` (camel) or `dpID/rdsID/rdsVer` (upper). */
  attributeCase: 'camel' | 'upper';
  modalities: { finger: boolean; iris: boolean };
  device: { dpId: string; rdsId: string; rdsVer: string; model: string; serialPrefix: string };
}

export const PROFILES: Record<string, VendorProfile> = {
  'mantra-mfs100': {
    name: 'mantra-mfs100',
    label: 'Mantra MFS100 (L0)',
    defaultScheme: 'http',
    info: 'Mantra Authentication Vendor Device Manager',
    capturePath: '/rd/capture',
    deviceInfoPath: '/rd/info',
    captureRoute: '/rd/capture',
    deviceInfoRoute: '/rd/info',
    deviceInfoFirst: false,
    attributeCase: 'camel',
    modalities: { finger: true, iris: false },
    device: { dpId: 'MANTRA.MSIPL', rdsId: 'MANTRA.WIN.001', rdsVer: '1.0.8', model: 'MFS100', serialPrefix: '22' },
  },
  'morpho-l0': {
    name: 'morpho-l0',
    label: 'Morpho MSO 1300 E3 (L0 soft)',
    defaultScheme: 'http',
    info: 'Morpho_RD_Service',
    capturePath: '/capture',
    deviceInfoPath: '/getDeviceInfo',
    captureRoute: '/capture',
    deviceInfoRoute: '/getDeviceInfo',
    deviceInfoFirst: true,
    attributeCase: 'upper',
    modalities: { finger: true, iris: false },
    device: { dpId: 'Morpho.SmartChip', rdsId: 'SCPL.WIN.001', rdsVer: '1.0.5', model: 'MSO1300E3', serialPrefix: '18' },
  },
  'idemia-l1': {
    name: 'idemia-l1',
    label: 'IDEMIA MSO 1300 E4 (L1, https)',
    defaultScheme: 'https',
    info: 'IDEMIA_L1_RDSERVICE',
    capturePath: '/{hostport}/capture',
    deviceInfoPath: '/{hostport}/getDeviceInfo',
    captureRoute: '/capture',
    deviceInfoRoute: '/getDeviceInfo',
    deviceInfoFirst: true,
    attributeCase: 'upper',
    modalities: { finger: true, iris: false },
    device: { dpId: 'IDEMIA.MORPHO', rdsId: 'IDEMIA.L1.WIN.001', rdsVer: '2.0.1', model: 'MSO1300E4', serialPrefix: '24' },
  },
  'startek-fm220u': {
    name: 'startek-fm220u',
    label: 'Startek FM220U (full-URL paths)',
    defaultScheme: 'http',
    info: 'Startek FM220U RD Service',
    capturePath: '{origin}/rd/capture',
    deviceInfoPath: '{origin}/rd/info',
    captureRoute: '/rd/capture',
    deviceInfoRoute: '/rd/info',
    deviceInfoFirst: false,
    attributeCase: 'camel',
    modalities: { finger: true, iris: false },
    device: { dpId: 'STARTEK.ACPL', rdsId: 'ACPL.WIN.001', rdsVer: '1.0.3', model: 'FM220U', serialPrefix: 'M' },
  },
  'mantra-mfs110-info': {
    name: 'mantra-mfs110-info',
    label: 'Mantra MFS110 (device-info interface named INFO)',
    defaultScheme: 'http',
    info: 'Mantra Authentication Vendor Device Manager',
    capturePath: '/rd/capture',
    deviceInfoPath: '/rd/info',
    captureRoute: '/rd/capture',
    deviceInfoRoute: '/rd/info',
    deviceInfoFirst: false,
    deviceInfoId: 'INFO',
    attributeCase: 'camel',
    modalities: { finger: true, iris: false },
    device: { dpId: 'MANTRA.MSIPL', rdsId: 'MANTRA.WIN.001', rdsVer: '1.1.0', model: 'MFS110', serialPrefix: '23' },
  },
  'idemia-l1-bare': {
    name: 'idemia-l1-bare',
    label: 'IDEMIA MSO 1300 E4 (L1, no interfaces declared)',
    defaultScheme: 'http',
    info: 'IDEMIA_L1_RDSERVICE',
    capturePath: '/capture',
    deviceInfoPath: '/getDeviceInfo',
    captureRoute: '/capture',
    deviceInfoRoute: '/getDeviceInfo',
    deviceInfoFirst: true,
    declaresInterfaces: false,
    attributeCase: 'upper',
    modalities: { finger: true, iris: false },
    device: { dpId: 'IDEMIA.MORPHO', rdsId: 'IDEMIA.L1.WIN.001', rdsVer: '2.0.1', model: 'MSO1300E4', serialPrefix: '24' },
  },
  'mantra-iris': {
    name: 'mantra-iris',
    label: 'Mantra MIS100V2 (iris)',
    defaultScheme: 'http',
    info: 'Mantra Iris RD Service',
    capturePath: '/rd/capture',
    deviceInfoPath: '/rd/info',
    captureRoute: '/rd/capture',
    deviceInfoRoute: '/rd/info',
    deviceInfoFirst: false,
    attributeCase: 'camel',
    modalities: { finger: false, iris: true },
    device: { dpId: 'MANTRA.MSIPL', rdsId: 'MANTRA.IRIS.WIN.001', rdsVer: '1.0.2', model: 'MIS100V2', serialPrefix: '31' },
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES);
export const DEFAULT_PROFILE = 'mantra-mfs100';
