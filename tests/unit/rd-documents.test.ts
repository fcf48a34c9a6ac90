import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import selfsigned from 'selfsigned';
import { parseDeviceInfo, readCertificate } from '../../src/main/device/rd/device-info';
import { KNOWN_ERROR_CODES, meaningOf } from '../../src/main/device/rd/error-codes';
import { MAX_LIST_VALUES, parsePidData } from '../../src/main/device/rd/pid-data';
import { toPidOptionsXml } from '../../src/main/device/rd/pid-options';
import { normaliseInterfacePath, parseRdService } from '../../src/main/device/rd/service';
import { parseXml, XmlError } from '../../src/main/base/xml';
import { translate } from '../../src/shared/i18n';

function expectXmlError(run: () => unknown, code: string) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(XmlError);
    expect((error as XmlError).code).toBe(code);
    return;
  }
  throw new Error('expected an XmlError');
}

describe('RDSERVICE answers', () => {
  it('matches interfaces on id whatever their order, and normalises every path form', () => {
    const xml = `<RDService status="READY" info="Morpho_RD_Service"><Interface id="DEVICEINFO" path="/127.0.0.1:11101/getDeviceInfo"/><Interface id="CAPTURE" path="http://127.0.0.1:11101/capture"/></RDService>`;
    expect(parseRdService(xml, 'http', 11101)).toEqual({
      port: 11101,
      scheme: 'http',
      status: 'READY',
      info: 'Morpho_RD_Service',
      captureUrl: 'http://127.0.0.1:11101/capture',
      deviceInfoUrl: 'http://127.0.0.1:11101/getDeviceInfo',
      pathsAssumed: false,
    });
  });

  it('accepts the device-info interface under the ids vendors use, in any case', () => {
    for (const id of ['DEVICEINFO', 'INFO', 'info', 'DEVICE_INFO', 'GetDeviceInfo']) {
      const xml = `<RDService status="READY" info="Mantra"><Interface id="CAPTURE" path="/rd/capture"/><Interface id="${id}" path="/rd/info"/></RDService>`;
      expect({ id, ...parseRdService(xml, 'http', 11100) }).toMatchObject({ id, deviceInfoUrl: 'http://127.0.0.1:11100/rd/info', pathsAssumed: false });
    }
    // The canonical id wins when a service declares it and an alias.
    const both = `<RDService status="READY" info="x"><Interface id="INFO" path="/old/info"/><Interface id="DEVICEINFO" path="/rd/info"/></RDService>`;
    expect(parseRdService(both, 'http', 11100).deviceInfoUrl).toBe('http://127.0.0.1:11100/rd/info');
  });

  it('falls back to the vendor default paths when no interface is declared, normalised to this port', () => {
    const bare = (info: string) => `<RDService status="READY" info="${info}"/>`;
    for (const info of ['IDEMIA_L1_RDSERVICE', 'Morpho_RD_Service', 'MORPHO_RD_SERVICE']) {
      expect(parseRdService(bare(info), 'https', 11111)).toEqual({
        port: 11111,
        scheme: 'https',
        status: 'READY',
        info,
        captureUrl: 'https://127.0.0.1:11111/capture',
        deviceInfoUrl: 'https://127.0.0.1:11111/getDeviceInfo',
        pathsAssumed: true,
      });
    }
    for (const info of ['Mantra Authentication Vendor Device Manager', 'Startek FM220U RD Service', '']) {
      expect(parseRdService(bare(info), 'http', 11100)).toMatchObject({ captureUrl: 'http://127.0.0.1:11100/rd/capture', deviceInfoUrl: 'http://127.0.0.1:11100/rd/info', pathsAssumed: true });
    }
    // Only the missing one is assumed.
    const onlyCapture = `<RDService status="READY" info="Morpho_RD_Service"><Interface id="CAPTURE" path="/127.0.0.1:11101/capture"/></RDService>`;
    expect(parseRdService(onlyCapture, 'http', 11101)).toMatchObject({ captureUrl: 'http://127.0.0.1:11101/capture', deviceInfoUrl: 'http://127.0.0.1:11101/getDeviceInfo', pathsAssumed: true });
  });

  it('never replaces a declared path it refused with a default', () => {
    const remote = `<RDService status="READY" info="IDEMIA_L1_RDSERVICE"><Interface id="CAPTURE" path="http://203.0.113.9:11100/capture"/><Interface id="INFO" path=""/></RDService>`;
    expect(parseRdService(remote, 'http', 11100)).toMatchObject({ captureUrl: null, deviceInfoUrl: null, pathsAssumed: false });
  });

  it('normalises relative, bare and host-prefixed paths; refuses other hosts', () => {
    expect(normaliseInterfacePath('/rd/capture', 'https', 11111)).toBe('https://127.0.0.1:11111/rd/capture');
    expect(normaliseInterfacePath('rd/info', 'http', 11100)).toBe('http://127.0.0.1:11100/rd/info');
    expect(normaliseInterfacePath('/localhost:11102/capture', 'http', 11100)).toBe('http://localhost:11102/capture');
    expect(normaliseInterfacePath('http://evil.example/capture', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('https://10.0.0.5:11100/capture', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('/evil.example:80/capture', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('/192.168.1.9:11100/capture', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('file:///etc/passwd', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('//evil.example/capture', 'http', 11100)).toBeNull();
    expect(normaliseInterfacePath('', 'http', 11100)).toBeNull();
  });

  it('reads status case-insensitively and treats a missing or odd status as NOTREADY', () => {
    expect(parseRdService('<rdservice STATUS="used" info="x"/>', 'http', 1).status).toBe('USED');
    expect(parseRdService('<RDService info="x"/>', 'http', 1).status).toBe('NOTREADY');
  });
});

describe('XML that cannot be abused', () => {
  it('refuses entity declarations (billion laughs, external entities)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><RDService status="READY" info="&lol2;"/>`;
    expectXmlError(() => parseXml(laughs), 'rd_xml_hostile');
    const external = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><RDService info="&x;"/>`;
    expectXmlError(() => parseXml(external), 'rd_xml_hostile');
  });

  it('refuses malformed, empty, multi-root and oversized documents with a clear error', () => {
    expectXmlError(() => parseXml('<RDService><Interface></RDService>'), 'rd_xml_malformed');
    expectXmlError(() => parseXml('   '), 'rd_xml_malformed');
    expectXmlError(() => parseXml('<a/><b/>'), 'rd_xml_malformed');
    expectXmlError(() => parseXml('not xml at all'), 'rd_xml_malformed');
    expectXmlError(() => parseXml(`<a>${'x'.repeat(2048)}</a>`, 1024), 'rd_xml_too_large');
    expectXmlError(() => parseXml(`${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`), 'rd_xml_malformed');
  });

  it('decodes the five built-in entities in attribute values', () => {
    expect(parseXml('<r info="A &amp; B &lt;1&gt; &quot;q&quot;"/>').attrs.info).toBe('A & B <1> "q"');
  });
});

describe('DEVICEINFO', () => {
  it('reads either attribute casing and the serial from additional_info', () => {
    const upper = parseDeviceInfo('<DeviceInfo dpID="Morpho.SmartChip" rdsID="SCPL.WIN.001" rdsVer="1.0.5" dc="abc" mi="MSO1300E3" mc=""><additional_info><Param name="srno" value="1812345"/></additional_info></DeviceInfo>');
    const camel = parseDeviceInfo('<DeviceInfo dpId="MANTRA.MSIPL" rdsId="MANTRA.WIN.001" rdsVer="1.0.8" dc="def" mi="MFS100"><additional_info><Param name="SRNO" value="2212"/></additional_info></DeviceInfo>');
    expect(upper).toMatchObject({ provider: 'Morpho.SmartChip', serviceId: 'SCPL.WIN.001', serviceVersion: '1.0.5', model: 'MSO1300E3', serial: '1812345', certificate: null, emulated: false });
    expect(camel).toMatchObject({ provider: 'MANTRA.MSIPL', serviceId: 'MANTRA.WIN.001', model: 'MFS100', serial: '2212' });
  });

  it('reads the device certificate validity and warns within 30 days', async () => {
    const now = new Date();
    const make = async (days: number) => {
      const pem = (await selfsigned.generate([{ name: 'commonName', value: 'test device' }], { keyType: 'ec', notBeforeDate: new Date(now.getTime() - 86_400_000), notAfterDate: new Date(now.getTime() + days * 86_400_000) })).cert;
      return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    };
    expect(readCertificate(await make(400), now)).toMatchObject({ state: 'valid', daysLeft: 399 });
    expect(readCertificate(await make(10), now)).toMatchObject({ state: 'expiring', daysLeft: 9 });
    expect(readCertificate(await make(-2), now)?.state).toBe('expired');
    expect(readCertificate(randomBytes(64).toString('base64'), now)).toEqual({ state: 'unreadable', validFrom: null, validTo: null, daysLeft: null });
    expect(readCertificate('', now)).toBeNull();
  });
});

describe('PidOptions', () => {
  it('builds the document from typed options, escaping vendor values', () => {
    const xml = toPidOptionsXml({ fingerCount: 1, fingerType: 'BOTH', position: 'LEFT_INDEX', timeoutMs: 10_000, env: 'PP', wadh: 'abc=', custOpts: { 'x"y': 'a<b' } });
    const opts = parseXml(xml).children.find((c) => c.name === 'opts')!;
    expect(opts.attrs).toMatchObject({ fcount: '1', ftype: '2', icount: '0', format: '0', pidver: '2.0', timeout: '10000', posh: 'LEFT_INDEX', env: 'PP', wadh: 'abc=' });
    expect(xml).toContain('<Param name="x&quot;y" value="a&lt;b"/>');
    const iris = parseXml(toPidOptionsXml({ fingerCount: 0, fingerType: 'FMR', timeoutMs: 5000, env: 'P', irisCount: 1, irisType: 0 })).children[0]!;
    expect(iris.attrs).toMatchObject({ fcount: '0', icount: '1', itype: '0', posh: 'UNKNOWN' });
  });
});

describe('PidData answers', () => {
  const success = `<PidData><Resp errCode="0" errInfo="ok" fCount="1" fType="2" nmPoints="34" qScore="62"/><DeviceInfo dpId="MANTRA.MSIPL" mi="MFS100"/><Skey ci="20250101">U0tFWQ==</Skey><Hmac>SE1BQw==</Hmac><Data type="X">REFUQQ==</Data></PidData>`;

  it('reads Resp and DeviceInfo and keeps the PID block opaque', () => {
    const answer = parsePidData(success);
    expect(answer).toMatchObject({ errCode: '0', qScore: 62, nmPoints: 34, fCount: 1, fType: 2, device: { model: 'MFS100' } });
    expect(answer.pid?.reveal()).toBe(success);
    expect(String(answer.pid)).toBe(`[PID block, ${success.length} bytes]`);
    expect(JSON.stringify({ pid: answer.pid })).not.toContain('U0tFWQ');
    expect(inspect(answer)).not.toContain('U0tFWQ');
  });

  it('keeps errCode as a string (negative vendor codes) and carries no PID on failure', () => {
    const answer = parsePidData('<PidData><Resp errCode="-1509" errInfo="Sensor error"/></PidData>');
    expect(answer).toMatchObject({ errCode: '-1509', errInfo: 'Sensor error', qScore: null, pid: null });
  });

  it('takes the weakest quality of a multi-finger answer', () => {
    expect(parsePidData(success.replace('qScore="62"', 'qScore="62,38"').replace('nmPoints="34"', 'nmPoints="34,20"'))).toMatchObject({ qScore: 38, nmPoints: 20 });
  });

  it('reads a quality list of 200,000 values without spreading it: the weakest of the first values kept', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => (i === 2 ? '31' : i === MAX_LIST_VALUES + 5 ? '1' : '70')).join(',');
    const answer = parsePidData(success.replace('qScore="62"', `qScore="${list(200_000)}"`).replace('nmPoints="34"', `nmPoints="${list(200_000)}"`));
    // The 1 sits past the values read: a hostile tail cannot steer the result.
    expect(answer).toMatchObject({ errCode: '0', qScore: 31, nmPoints: 31 });
  });

  it('refuses a success without the encrypted parts, or an answer without Resp', () => {
    expectXmlError(() => parsePidData('<PidData><Resp errCode="0"/></PidData>'), 'rd_xml_malformed');
    expectXmlError(() => parsePidData('<PidData><DeviceInfo/></PidData>'), 'rd_xml_malformed');
    expectXmlError(() => parsePidData('<DeviceInfo/>'), 'rd_xml_malformed');
  });
});

describe('errCode meanings', () => {
  it('maps every code of the table, and negative vendor codes, to guidance in both languages', () => {
    expect(KNOWN_ERROR_CODES.sort()).toEqual(['210', '700', '710', '720', '730', '740', '750', '760', '770', '999']);
    for (const code of [...KNOWN_ERROR_CODES, '-1509', '-1', 'E42']) {
      const { messageKey } = meaningOf(code);
      for (const language of ['en', 'hi'] as const) {
        const text = translate(language, messageKey, { code, info: 'detail' });
        expect(text).not.toBe(messageKey);
        expect(text.length).toBeGreaterThan(20);
      }
    }
    expect(meaningOf('700').category).toBe('finger');
    expect(meaningOf('730').category).toBe('finger');
    expect(meaningOf('710').category).toBe('device');
    expect(meaningOf('-1509')).toMatchObject({ category: 'device', messageKey: 'rd.error.vendor' });
    expect(meaningOf('E42').messageKey).toBe('rd.error.unknown');
    expect(translate('en', 'rd.error.vendor', { code: '-1509' })).toContain('-1509');
  });
});
