import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseJson, readBody } from '../../src/main/base/http';

const request = (...chunks: Buffer[]) => Readable.from(chunks) as unknown as IncomingMessage;

describe('base/http', () => {
  it('reads a body up to the limit, and past it reads to the end and answers null', async () => {
    expect((await readBody(request(Buffer.from('ab'), Buffer.from('cd')), 4))?.toString()).toBe('abcd');
    const rest = request(Buffer.alloc(3), Buffer.alloc(3), Buffer.alloc(3));
    expect(await readBody(rest, 4)).toBeNull();
    expect(rest.readableEnded).toBe(true);
  });

  it('parses JSON without throwing: empty is {}, anything else must parse', () => {
    expect(parseJson(Buffer.alloc(0))).toEqual({ ok: true, value: {} });
    expect(parseJson(Buffer.from('null'))).toEqual({ ok: true, value: null });
    expect(parseJson(Buffer.from('{"a":'))).toEqual({ ok: false, error: expect.stringMatching(/JSON/) });
  });
});
