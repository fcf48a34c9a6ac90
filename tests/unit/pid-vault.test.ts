import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PidBlock } from '../../src/main/base/pid-block';
import { openPid, sealPid } from '../../src/main/storage/pid-vault';

const pid = new PidBlock('<PidData><Resp errCode="0"/><Skey ci="EMULATED">c2tleQ==</Skey><Hmac>aG1hYw==</Hmac><Data type="X">ZGF0YQ==</Data></PidData>', new Date());

describe('the PID vault (buffered authentication)', () => {
  it('opens a sealed block under its own outbox id and key, giving back exactly what was sealed', () => {
    const key = randomBytes(32);
    const sealed = sealPid(pid, key, 'outbox-1');
    expect(sealed.ciphertext.includes(Buffer.from('PidData'))).toBe(false);
    expect(openPid(sealed, key, 'outbox-1', new Date()).reveal()).toBe(pid.reveal());
  });

  it('cannot be opened under another outbox id: a sealed block moved to another entry is refused', () => {
    const key = randomBytes(32);
    const sealed = sealPid(pid, key, 'outbox-1');
    expect(() => openPid(sealed, key, 'outbox-2', new Date())).toThrow(/authenticate/);
  });

  it('cannot be opened with another key, or once a byte of it is changed', () => {
    const key = randomBytes(32);
    const sealed = sealPid(pid, key, 'outbox-1');
    expect(() => openPid(sealed, randomBytes(32), 'outbox-1', new Date())).toThrow(/authenticate/);
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext.writeUInt8(tampered.ciphertext.readUInt8(0) ^ 1, 0);
    expect(() => openPid(tampered, key, 'outbox-1', new Date())).toThrow(/authenticate/);
  });
});
