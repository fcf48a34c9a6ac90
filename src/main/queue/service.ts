import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../base/clock';
import type { z } from 'zod';
import type { DeskHold, QueueEntry, QueueSummary, RegistrationInput } from '../../shared/contract/queue';
import { MitraError } from '../../shared/errors';
import type { PidBlock } from '../base/pid-block';
import type { Logger } from '../logging/logger';
import { guarded, inTransaction, type Db } from '../storage/database';
import { sealPid } from '../storage/pid-vault';
import { loadOrCreateKey } from '../storage/secrets';
import { appendAudit } from '../storage/sql/audit';
import { upsertPatient } from '../storage/sql/patients';
import { getRegistration, insertRegistration, setState } from '../storage/sql/registrations';
import { insertImportBatch } from '../storage/sql/imports';
import { insertOutbox, outboxFor, requeueNow } from '../storage/sql/outbox';
import { registrationFingerprint } from './fingerprint';
import { buildPayload, type StoredPayload } from '../sync/payload';
import { entryById, listEntries, summarise } from './view';

export type ParsedRegistration = z.output<typeof RegistrationInput>;

/** The file a batch of paper records came from (its name for people, its digest to refuse a second import). */
export interface ImportBatch {
  fileName: string;
  sha256: string;
}

export interface QueueDeps {
  db: Db;
  pidKey: Buffer;
  hospital: { code: string; state: string };
  /** Hand over a capture session's held PID block (once), for buffered authentication. */
  takePid: (captureSessionId: string) => PidBlock | null;
  /** Give it back when the registration could not be written. */
  returnPid?: (captureSessionId: string, pid: PidBlock) => void;
  pidHoldMs: number;
  log: Logger;
  /** The sync engine should look now; the queue changed. */
  nudge: () => void;
  onChange: () => void;
  portalLink: () => QueueSummary['portal'];
  /** What holds the whole desk back, if anything (from the sync engine). */
  hold?: () => DeskHold | null;
  now?: Clock;
}

const BACKDATE_LIMIT_MS = 5 * 86_400_000;
const BIOMETRIC = new Set(['fingerprint', 'iris', 'face']);

/**
 * The desk's registrations: recorded locally first (registration and outbox entry in one
 * transaction), then delivered by the sync engine; listed, retried, re-submitted and resolved here.
 */
export class QueueService {
  constructor(private readonly deps: QueueDeps) {}

  add(input: ParsedRegistration, actor = 'operator'): QueueEntry {
    const id = this.record([input], actor)[0]!;
    return this.entry(id);
  }

  /**
   * Record several registrations at once, all or nothing (paper records typed in after an
   * outage, with the file they came from). Each is checked before anything is written.
   */
  record(inputs: ParsedRegistration[], actor: string, batch?: ImportBatch): string[] {
    const now = this.now();
    const prepared = inputs.map((input) => this.prepareRecord(input, now));
    const handBack = () => {
      for (const { input, pid } of prepared) if (pid && input.verification.captureSessionId) this.deps.returnPid?.(input.verification.captureSessionId, pid);
    };
    let ids: string[];
    try {
      ids = this.write(prepared, actor, now, batch);
    } catch (error) {
      handBack(); // a failed write must not cost the patient their capture
      throw error;
    }
    this.deps.log.info(`recorded ${ids.length} registration(s) locally (${actor})`);
    this.changed(true);
    return ids;
  }

  private write(prepared: { input: ParsedRegistration; payload: StoredPayload; pid: PidBlock | null }[], actor: string, now: Date, batch?: ImportBatch): string[] {
    const { db } = this.deps;
    const at = now.toISOString();
    return inTransaction(db, () => {
      const importBatch = batch ? insertImportBatch(db, { at, fileName: batch.fileName, sha256: batch.sha256, records: prepared.length }) : undefined;
      return prepared.map(({ input, payload, pid }) => {
        // The full Aadhaar number goes no further than this line: only its last 4 digits are kept.
        const { aadhaar, ...patient } = input.patient;
        const { id: patientId, changed } = upsertPatient(db, patient, aadhaar ? aadhaar.slice(-4) : null, at);
        const registrationId = randomUUID();
        const outboxId = randomUUID();
        if (changed.length) appendAudit(db, { actor, action: 'patient-details-changed', subject: patientId, detail: { fields: changed, by: registrationId } }, at);
        insertRegistration(
          db,
          {
            id: registrationId,
            patientId,
            patient: { name: patient.name, gender: patient.gender ?? null, yearOfBirth: patient.yearOfBirth ?? null, mobile: patient.mobile ?? null, district: patient.district ?? null },
            kind: input.kind,
            hospitalCode: this.deps.hospital.code,
            hospitalState: this.deps.hospital.state,
            admittedAt: input.admittedAt,
            payload,
            fingerprint: registrationFingerprint({ kind: input.kind, beneficiaryId: patient.beneficiaryId, state: patient.state, admittedAt: input.admittedAt }),
            ...(importBatch !== undefined ? { importBatch } : {}),
          },
          at,
        );
        const sealed = pid ? { sealed: sealPid(pid, this.deps.pidKey, outboxId), expiresAt: new Date(pid.capturedAt.getTime() + this.deps.pidHoldMs).toISOString() } : undefined;
        insertOutbox(db, { id: outboxId, registrationId, patientId, kind: input.kind, ...(sealed ? { pid: sealed } : {}) }, at);
        appendAudit(db, { actor, action: actor === 'import' ? 'imported' : 'created', subject: registrationId, detail: { kind: input.kind, verification: input.verification.method, buffered: Boolean(pid), ...(importBatch !== undefined ? { importBatch } : {}) } }, at);
        return registrationId;
      });
    });
  }

  list(state: QueueEntry['state'] | undefined, limit = 200): QueueEntry[] {
    return guarded(this.deps.db, () => listEntries(this.deps.db, state, limit));
  }

  summary(): QueueSummary {
    return guarded(this.deps.db, () => summarise(this.deps.db, this.deps.portalLink(), this.deps.hold?.() ?? null));
  }

  retryNow(id: string, actor = 'operator'): QueueEntry {
    const { db } = this.deps;
    const registration = this.require(id);
    if (registration.state !== 'queued' && registration.state !== 'needs-action') throw new MitraError('queue_not_retryable', `entry is ${registration.state}`, { messageKey: 'queue.error.notRetryable' });
    const at = this.now().toISOString();
    inTransaction(db, () => {
      requeueNow(db, id, at);
      appendAudit(db, { actor, action: 'retry-now', subject: id }, at);
    });
    this.changed(true);
    return this.entry(id);
  }

  /** Register again from stored data with a new Idempotency-Key; the two stay linked. */
  resubmit(id: string, actor = 'operator'): QueueEntry {
    const { db } = this.deps;
    const old = this.require(id);
    if (old.state !== 'cancelled-by-portal') throw new MitraError('queue_not_resubmittable', `entry is ${old.state}`, { messageKey: 'queue.error.notResubmittable' });
    const at = this.now().toISOString();
    const payload = JSON.parse(old.payload) as StoredPayload;
    const newId = randomUUID();
    inTransaction(db, () => {
      insertRegistration(
        db,
        {
          id: newId,
          patientId: old.patientId,
          patient: old.patient,
          kind: old.kind,
          hospitalCode: old.hospitalCode,
          hospitalState: old.hospitalState,
          admittedAt: old.admittedAt,
          payload: { ...payload, buffered: null },
          fingerprint: old.fingerprint ?? registrationFingerprint({ kind: old.kind, beneficiaryId: payload.request.beneficiaryId, state: payload.request.state, admittedAt: old.admittedAt }),
          resubmittedFrom: id,
        },
        at,
      );
      insertOutbox(db, { id: randomUUID(), registrationId: newId, patientId: old.patientId, kind: old.kind }, at);
      if (!setState(db, id, 'resubmitted', at, { from: ['cancelled-by-portal'] })) throw new MitraError('queue_not_resubmittable', 'entry changed meanwhile', { messageKey: 'queue.error.notResubmittable' });
      appendAudit(db, { actor, action: 'resubmitted', subject: id, detail: { as: newId } }, at);
      appendAudit(db, { actor, action: 'created', subject: newId, detail: { resubmissionOf: id } }, at);
    });
    this.deps.log.info(`re-submitted ${id.slice(0, 8)} as ${newId.slice(0, 8)}`);
    this.changed(true);
    return this.entry(newId);
  }

  resolve(id: string, reason: string, actor = 'operator'): QueueEntry {
    const { db } = this.deps;
    const registration = this.require(id);
    if (registration.state !== 'needs-action' && registration.state !== 'cancelled-by-portal')
      throw new MitraError('queue_not_resolvable', `entry is ${registration.state}`, { messageKey: 'queue.error.notResolvable' });
    const at = this.now().toISOString();
    inTransaction(db, () => {
      if (!setState(db, id, 'resolved', at, { from: ['needs-action', 'cancelled-by-portal'], resolvedReason: reason })) throw new MitraError('queue_not_resolvable', 'entry changed meanwhile', { messageKey: 'queue.error.notResolvable' });
      appendAudit(db, { actor, action: 'resolved', subject: id, detail: { reason } }, at);
    });
    this.changed(false);
    return this.entry(id);
  }

  /** The checks `add` makes before writing, without taking any held capture (for imports). */
  check(input: ParsedRegistration): void {
    if (input.verification.captureSessionId) throw new MitraError('verification_missing', 'a capture session cannot be imported', { messageKey: 'queue.error.verificationMissing' });
    this.prepareRecord(input, this.now());
  }

  private prepareRecord(input: ParsedRegistration, now: Date): { input: ParsedRegistration; payload: StoredPayload; pid: PidBlock | null } {
    const admitted = Date.parse(input.admittedAt);
    if (now.getTime() - admitted > BACKDATE_LIMIT_MS) throw new MitraError('admission_too_old', 'admission is more than 5 days ago', { messageKey: 'queue.error.backdate' });
    if (admitted - now.getTime() > 60 * 60_000) throw new MitraError('admission_in_future', 'admission is in the future', { messageKey: 'queue.error.future' });
    const { method, captureSessionId, transactionId, confirmedBy, familyMemberId } = input.verification;
    let pid: PidBlock | null = null;
    if (!transactionId && method !== 'none-confirmed') {
      if (!captureSessionId || !(BIOMETRIC.has(method) || method === 'family-member'))
        throw new MitraError('verification_missing', `${method} needs a verified transaction or a capture`, { messageKey: 'queue.error.verificationMissing' });
      pid = this.deps.takePid(captureSessionId);
      if (!pid) throw new MitraError('pid_unavailable', 'no held capture for that session (expired or already used)', { messageKey: 'queue.error.pidUnavailable' });
    }
    const payload = buildPayload({
      kind: input.kind,
      beneficiaryId: input.patient.beneficiaryId,
      hospitalCode: this.deps.hospital.code,
      state: input.patient.state,
      admittedAt: input.admittedAt,
      method,
      ...(transactionId ? { transactionId } : {}),
      ...(confirmedBy ? { confirmedBy } : {}),
      ...(familyMemberId ? { familyMemberId } : {}),
      ...(input.notes ? { notes: input.notes } : {}),
      bufferedPid: pid !== null,
    });
    return { input, payload, pid };
  }

  private require(id: string) {
    const registration = guarded(this.deps.db, () => getRegistration(this.deps.db, id));
    if (!registration) throw new MitraError('queue_unknown', 'no such registration', { messageKey: 'queue.error.unknown' });
    return registration;
  }

  private entry(id: string): QueueEntry {
    const entry = guarded(this.deps.db, () => entryById(this.deps.db, id));
    if (!entry) throw new MitraError('queue_unknown', 'no such registration', { messageKey: 'queue.error.unknown' });
    return entry;
  }

  private changed(nudge: boolean): void {
    if (nudge) this.deps.nudge();
    this.deps.onChange();
  }

  private now(): Date {
    return (this.deps.now ?? systemClock)();
  }

  /** For tests and the CLI: the outbox row behind a registration. */
  outbox(id: string) {
    return guarded(this.deps.db, () => outboxFor(this.deps.db, id));
  }
}

/**
 * A queue service outside the running app (CLI commands, tests, benchmarks): the data directory's
 * own keys, no sync engine to nudge, captures only from `takePid` when given.
 */
export function standaloneQueue(options: {
  db: Db;
  dataDir: string;
  hospital: { code: string; state: string };
  log: Logger;
  takePid?: (captureSessionId: string) => PidBlock | null;
  pidHoldMs?: number;
  nudge?: () => void;
  portalLink?: () => QueueSummary['portal'];
  hold?: () => DeskHold | null;
}): QueueService {
  return new QueueService({
    db: options.db,
    pidKey: loadOrCreateKey(options.dataDir, 'pid-vault'),
    hospital: options.hospital,
    takePid: options.takePid ?? (() => null),
    pidHoldMs: options.pidHoldMs ?? 30 * 60_000,
    log: options.log,
    nudge: options.nudge ?? (() => {}),
    onChange: () => {},
    portalLink: options.portalLink ?? (() => 'unknown'),
    ...(options.hold ? { hold: options.hold } : {}),
  });
}
