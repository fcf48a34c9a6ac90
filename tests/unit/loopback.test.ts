import { describe, expect, it } from 'vitest';
import { isLoopbackHostname } from '../../src/main/base/loopback';
import { isLoopbackHost, isLoopbackUrl } from '../../src/main/security/loopback';

describe('this computer, by name', () => {
  it('knows 127.0.0.1, localhost and ::1 (bracketed as URLs write it), in any case', () => {
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '::1', '[::1]']) expect(isLoopbackHostname(name), name).toBe(true);
  });

  it('brackets are for IPv6 only: [localhost] and [127.0.0.1] are not names of this computer', () => {
    for (const name of ['[localhost]', '[127.0.0.1]', '127.0.0.2', 'localhost.', 'localhost.example.com', '', '[]']) expect(isLoopbackHostname(name), name).toBe(false);
    expect(isLoopbackHost('[localhost]:8080', 8080)).toBe(false);
    expect(isLoopbackHost('[::1]:8080', 8080)).toBe(true);
    expect(isLoopbackUrl(new URL('http://[::1]:11100/rd/capture'))).toBe(true);
  });
});
