import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../src/main/logging/redact';

const maskAadhaar = redactText;

describe('redaction before a log line is written', () => {
  it('masks 12-digit Aadhaar-like numbers in any grouping and keeps the last 4', () => {
    expect(maskAadhaar('uid 234567890123 ok')).toBe('uid XXXX XXXX 0123 ok');
    expect(maskAadhaar('uid 2345 6789 0123')).toBe('uid XXXX XXXX 0123');
    expect(maskAadhaar('uid 2345-6789-0123.')).toBe('uid XXXX XXXX 0123.');
    expect(maskAadhaar('aadhaar=999988887777')).toBe('aadhaar=XXXX XXXX 7777');
  });

  it('masks mixed separators, dots, no-break spaces and Devanagari digits too', () => {
    expect(maskAadhaar('2345-6789 0123')).toBe('XXXX XXXX 0123');
    expect(maskAadhaar('2345.6789.0123')).toBe('XXXX XXXX 0123');
    expect(maskAadhaar('2345\u00A06789\u00A00123')).toBe('XXXX XXXX 0123');
    expect(maskAadhaar('आधार २३४५ ६७८९ ०१२३')).toBe('आधार XXXX XXXX ०१२३');
  });

  it('masks the separators the first rule missed: slash, comma, underscore, double spaces, spaced dashes, zero-width spaces', () => {
    for (const typed of ['2345/6789/0123', '2345,6789,0123', '2345_6789_0123', '2345  6789  0123', '2345 - 6789 - 0123', '2345\u200B6789\u200B0123', '2345\u20136789\u20130123', '2\u200B3\u200B4\u200B5 6789 0123'])
      expect(maskAadhaar(`note ${typed} end`)).toBe('note XXXX XXXX 0123 end');
    // A number running on past 12 digits behind a separator is masked too: over-masking is the safe side.
    expect(maskAadhaar('2345 6789 0123 5')).toBe('XXXX XXXX 1235');
  });

  it('leaves numbers that are not Aadhaar-like alone (timestamps, mobiles, ids)', () => {
    expect(maskAadhaar('at 1763924400000 from 9876543210, id 12345')).toBe('at 1763924400000 from 9876543210, id 12345');
    expect(maskAadhaar('bed 12, ward 4, 25/11/2026 10:30')).toBe('bed 12, ward 4, 25/11/2026 10:30');
  });

  it('strips a whole PID block, its parts, and PID fields in JSON', () => {
    const pid = '<PidData><Resp errCode="0" qScore="70"/><Skey ci="20250101">c2tleQ==</Skey><Hmac>aG1hYw==</Hmac><Data type="X">ZGF0YQ==</Data></PidData>';
    const line = redactText(`captured ${pid} done`);
    expect(line).toBe('captured <PidData [redacted]/> done');
    expect(redactText('<Skey ci="1">abc</Skey> and <Hmac>def</Hmac> and <Data type="P">ghi</Data>')).toBe(
      '<Skey [redacted]/> and <Hmac [redacted]/> and <Data [redacted]/>',
    );
    expect(redactText('{"fingerPrintAuthPid":"PFBpZERhdGE+","mode":"FP"}')).toBe('{"fingerPrintAuthPid":"[redacted]","mode":"FP"}');
  });

  it('strips a truncated PID block to the end of the text', () => {
    expect(redactText('bad answer: <PidData><Skey ci="1">abc')).toBe('bad answer: <PidData [redacted]/>');
  });

  it('replaces long base64 runs (encrypted biometrics travel as base64), wrapped or base64url', () => {
    const blob = 'QUJD'.repeat(100);
    expect(redactText(`body=${blob}`)).toBe('body=[redacted 400 chars]');
    const wrapped = Array.from({ length: 5 }, () => 'QUJD'.repeat(19)).join('\n');
    expect(redactText(`pem ${wrapped} end`)).not.toContain('QUJDQUJD');
    expect(redactText(`url ${'ab-_'.repeat(50)}`)).toBe('url [redacted 200 chars]');
  });

  it('strips HTML-escaped PID blocks', () => {
    expect(redactText('echo: &lt;PidData&gt;&lt;Skey ci="1"&gt;abc&lt;/Skey&gt;&lt;/PidData&gt; done')).toBe('echo: <PidData [redacted]/> done');
  });

  it('walks objects, arrays and errors, redacting sensitive keys and text', () => {
    const error = new Error('portal rejected 234567890123');
    const value = redactValue({ patient: { aadhaar: '234567890123', name: 'Sita' }, pid: '<PidData/>', list: ['2345 6789 0123'], error }) as Record<string, unknown>;
    expect(value).toMatchObject({ patient: { aadhaar: '[redacted]', name: 'Sita' }, pid: '[redacted]', list: ['XXXX XXXX 0123'] });
    expect((value.error as Error).message).toBe('portal rejected XXXX XXXX 0123');
    expect((value.error as Error).stack).not.toContain('234567890123');
  });

  it('copes with cycles and numbers', () => {
    const cyclic: Record<string, unknown> = { n: 234567890123 };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ n: 'XXXX XXXX 0123', self: '[circular]' });
  });
});
