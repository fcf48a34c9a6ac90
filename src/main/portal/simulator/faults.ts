import { MitraError } from '../../../shared/errors';

/**
 * The field failures the simulator can reproduce, switchable at run time. Spec syntax (CLI
 * --faults and POST /__sim/faults): comma-separated, e.g.
 *   outage                 every connection is dropped (the portal is down)
 *   slow=2000              every answer waits this many ms
 *   timeout                requests are accepted and never answered
 *   5xx=0.3                this share of API requests answer 503
 *   5xx-burst=10           the next 10 API requests answer 503
 *   429=5:30               the next 5 API requests answer 429 with Retry-After 30 (seconds)
 *   state-missing=CG       the state is not served (search and registration answer state_unavailable)
 *   token-ttl=5            tokens expire after 5 seconds
 *   malformed=0.2          this share of API answers are not JSON
 *   credentials            the desk's credentials are refused (token requests and every bearer)
 */
export interface Faults {
  outage: boolean;
  slowMs: number;
  timeout: boolean;
  errorRate: number;
  errorBurst: number;
  rateLimit: { remaining: number; retryAfterS: number };
  statesMissing: string[];
  tokenTtlS: number;
  malformedRate: number;
  credentialsRefused: boolean;
}

export const NO_FAULTS: Faults = {
  outage: false,
  slowMs: 0,
  timeout: false,
  errorRate: 0,
  errorBurst: 0,
  rateLimit: { remaining: 0, retryAfterS: 0 },
  statesMissing: [],
  tokenTtlS: 1800,
  malformedRate: 0,
  credentialsRefused: false,
};

function rate(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < 0 || n > 1) throw new MitraError('invalid_faults', `${name} needs a share from 0 to 1, like ${name}=0.3`);
  return n;
}

function count(name: string, value: string | undefined, example: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) throw new MitraError('invalid_faults', `${name} needs a whole number, like ${example}`);
  return n;
}

export function parseFaults(spec: string, base: Faults = NO_FAULTS): Faults {
  const faults: Faults = structuredClone(base);
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name = '', value] = part.split('=', 2).map((s) => s.trim());
    switch (name) {
      case 'none':
        Object.assign(faults, structuredClone(NO_FAULTS));
        break;
      case 'outage':
        faults.outage = value !== 'off';
        break;
      case 'timeout':
        faults.timeout = value !== 'off';
        break;
      case 'slow':
        faults.slowMs = count(name, value, 'slow=2000');
        break;
      case '5xx':
        faults.errorRate = rate(name, value);
        break;
      case '5xx-burst':
        faults.errorBurst = count(name, value, '5xx-burst=10');
        break;
      case '429': {
        const [times, after] = (value ?? '').split(':');
        faults.rateLimit = { remaining: count(name, times, '429=5:30'), retryAfterS: count(name, after ?? '1', '429=5:30') };
        break;
      }
      case 'state-missing':
        if (!value || !/^[A-Z]{2}$/.test(value)) throw new MitraError('invalid_faults', 'state-missing needs a state code, like state-missing=CG');
        faults.statesMissing = [...new Set([...faults.statesMissing, value])];
        break;
      case 'token-ttl':
        faults.tokenTtlS = count(name, value, 'token-ttl=5');
        break;
      case 'malformed':
        faults.malformedRate = rate(name, value);
        break;
      case 'credentials':
        faults.credentialsRefused = value !== 'off';
        break;
      default:
        throw new MitraError('invalid_faults', `unknown fault "${name}" (known: none, outage, slow, timeout, 5xx, 5xx-burst, 429, state-missing, token-ttl, malformed, credentials)`);
    }
  }
  return faults;
}

/** `4h`, `90m`, `30s`, `1500ms` or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new MitraError('invalid_duration', `not a duration: "${text}" (like 4h, 90m, 30s)`);
  const n = Number(match[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(n * unit);
}
