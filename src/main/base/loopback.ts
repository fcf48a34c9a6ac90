/**
 * The names of this computer. RD services, a portal adapter on the same machine and the web host
 * are the only things Mitra Desk talks to without TLS, and only at these names.
 */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** A URL's hostname (an IPv6 address in brackets, as WHATWG URL gives it) is this computer. Only an IPv6 address may be bracketed. */
export function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') && hostname.includes(':') ? hostname.slice(1, -1) : hostname;
  return LOOPBACK_HOSTS.includes(bare.toLowerCase());
}
