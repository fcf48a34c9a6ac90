import { LinkId, type HealthSnapshot, type LinkReport, type LinkStatus, type MessageParams } from '../../shared/contract';
import { systemClock, type Clock } from '../base/clock';
import { Scheduler, type Task } from '../base/scheduler';
import type { Logger } from '../logging/logger';

/** What a check finds; the monitor stamps the link id and the time. */
export interface LinkFinding {
  status: LinkStatus;
  messageKey: string;
  params?: MessageParams;
}

export type Probe = () => Promise<LinkFinding>;

interface ProbeEntry {
  probe: Probe;
  intervalMs: number;
  task?: Task;
  running: boolean;
}

/**
 * The state of every link in the chain. Watchers push findings as they happen (USB attach, the
 * sync engine's breaker); probes are polled on their own interval. Listeners hear only real changes.
 */
export class HealthMonitor {
  private readonly links = new Map<LinkId, LinkReport>();
  private readonly probes = new Map<LinkId, ProbeEntry>();
  private readonly listeners = new Set<(snapshot: HealthSnapshot) => void>();
  private started = false;

  constructor(
    private readonly log: Logger,
    private readonly now: Clock = systemClock,
    /** Runs the probes' timers; a probe that throws is logged, never thrown out of the process. */
    private readonly scheduler: Scheduler = new Scheduler((task, error) => log.error(`${task} failed`, error)),
  ) {
    for (const id of LinkId.options) {
      this.links.set(id, { id, status: 'unknown', messageKey: 'health.message.notChecked', params: {}, checkedAt: null });
    }
  }

  report(id: LinkId, finding: LinkFinding): void {
    const previous = this.links.get(id);
    const next: LinkReport = { id, status: finding.status, messageKey: finding.messageKey, params: finding.params ?? {}, checkedAt: this.now().toISOString() };
    this.links.set(id, next);
    const changed =
      !previous ||
      previous.status !== next.status ||
      previous.messageKey !== next.messageKey ||
      JSON.stringify(previous.params) !== JSON.stringify(next.params);
    if (changed) {
      if (previous && previous.status !== next.status) this.log.info(`link ${id}: ${previous.status} -> ${next.status} (${next.messageKey})`);
      this.notify();
    }
  }

  addProbe(id: LinkId, probe: Probe, intervalMs: number): void {
    this.probes.set(id, { probe, intervalMs, running: false });
    if (this.started) this.schedule(id, 0);
  }

  /** Run one probe now (a retry button, or right after a fault clears). */
  async check(id: LinkId): Promise<LinkReport | undefined> {
    const entry = this.probes.get(id);
    if (entry && !entry.running) {
      entry.running = true;
      try {
        this.report(id, await entry.probe());
      } catch (error) {
        this.log.warn(`probe ${id} threw`, error);
      } finally {
        entry.running = false;
      }
    }
    return this.links.get(id);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const id of this.probes.keys()) this.schedule(id, 0);
  }

  stop(): void {
    this.started = false;
    for (const entry of this.probes.values()) entry.task?.cancel();
  }

  snapshot(): HealthSnapshot {
    return { links: LinkId.options.map((id) => this.links.get(id)!), updatedAt: this.now().toISOString() };
  }

  onChange(listener: (snapshot: HealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(id: LinkId, delayMs: number): void {
    const entry = this.probes.get(id);
    if (!entry || !this.started) return;
    entry.task?.cancel();
    entry.task = this.scheduler.after(`health probe ${id}`, delayMs, () => this.check(id).finally(() => this.schedule(id, entry.intervalMs)));
  }

  private notify(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }
}
