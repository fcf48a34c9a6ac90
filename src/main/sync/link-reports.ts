import type { LinkId } from '../../shared/contract/health';
import type { LinkFinding } from '../health/monitor';
import type { DeskFault } from './classify';

export type ReportLink = (link: LinkId, finding: LinkFinding) => void;

const FAULT_MESSAGES: Record<DeskFault, string> = {
  credentials: 'health.message.portalCredentials',
  certificate: 'health.message.portalCertificate',
  redirect: 'health.message.portalRedirected',
  address: 'health.message.portalAddress',
};

/**
 * What the sync engine learns about the chain, as findings for the status strip: which link is
 * broken (network, portal, state), said once per change of the hospital state's availability.
 */
export class LinkReports {
  private lastState: 'ok' | 'down' | null = null;

  constructor(
    private readonly hospitalState: string,
    private readonly report: ReportLink = () => {},
  ) {}

  /** A delivery went through: every link up to the portal works. */
  delivered(): void {
    this.networkOk();
    this.report('portal', { status: 'ok', messageKey: 'health.message.portalOk' });
    this.state(true);
  }

  /** The portal answered (whatever it thought of the request): the network is up. */
  networkOk(): void {
    this.report('network', { status: 'ok', messageKey: 'health.message.networkOk' });
  }

  healthy(status: 'ok' | 'degraded'): void {
    this.report('portal', { status: status === 'ok' ? 'ok' : 'warn', messageKey: status === 'ok' ? 'health.message.portalOk' : 'health.message.portalDegraded' });
  }

  /** Name the broken link: with the network down the portal cannot be judged; a portal that dropped us was reached. */
  failure(link: LinkId): void {
    if (link === 'network') {
      this.report('network', { status: 'down', messageKey: 'health.message.networkDown' });
      this.report('portal', { status: 'unknown', messageKey: 'health.message.portalUnchecked' });
    } else {
      this.report('portal', { status: 'down', messageKey: 'health.message.portalDown' });
      if (link === 'portal') this.networkOk();
    }
  }

  /** A desk-wide fault: the portal was reached, and refuses the desk as a whole. */
  deskFault(fault: DeskFault): void {
    this.networkOk();
    this.report('portal', { status: 'down', messageKey: FAULT_MESSAGES[fault] });
  }

  state(available: boolean): void {
    const key = available ? 'ok' : 'down';
    if (key === this.lastState && available) return;
    this.lastState = key;
    const params = { state: this.hospitalState };
    this.report('state', available ? { status: 'ok', messageKey: 'health.message.stateOk', params } : { status: 'down', messageKey: 'health.message.stateMissing', params });
  }
}
