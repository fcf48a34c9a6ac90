import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopbackHostname } from '../base/loopback';

/** A fresh secret for one run of the web host. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Host header check against DNS rebinding: the request must name a loopback host and the port we
 * listen on. A page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  const [, name, portText] = match;
  return name !== undefined && isLoopbackHostname(name) && Number(portText ?? 80) === port;
}

/** Is this an http(s) URL on a loopback host? Used to refuse device paths and origins elsewhere. */
export function isLoopbackUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
}
