import type { Database } from 'better-sqlite3';
import { StoreError } from './errors';

/**
 * Numbered migrations on PRAGMA user_version (the Signal Desktop way): each runs once, in its own
 * transaction, in order. Never edit a shipped migration; add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data fixes SQL cannot express, run in the same transaction after `sql`. */
  run?: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'patients, registrations, outbox, attempts, capture attempts, audit log',
    sql: `
      CREATE TABLE patients (
        id TEXT PRIMARY KEY,
        beneficiary_id TEXT NOT NULL,
        name TEXT NOT NULL,
        gender TEXT CHECK (gender IN ('F', 'M', 'T')),
        year_of_birth INTEGER,
        mobile TEXT,
        state TEXT NOT NULL,
        district TEXT,
        family_id TEXT,
        -- Aadhaar: last 4 digits and a keyed hash for matching, never the number itself.
        aadhaar_last4 TEXT CHECK (aadhaar_last4 IS NULL OR (length(aadhaar_last4) = 4 AND aadhaar_last4 NOT GLOB '*[^0-9]*')),
        aadhaar_hmac TEXT CHECK (aadhaar_hmac IS NULL OR length(aadhaar_hmac) = 64),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX patients_beneficiary ON patients (beneficiary_id, state);

      CREATE TABLE registrations (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES patients (id),
        kind TEXT NOT NULL CHECK (kind IN ('inpatient', 'outpatient', 'card')),
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'registered', 'needs-action', 'cancelled-by-portal', 'resubmitted', 'resolved')),
        hospital_code TEXT NOT NULL,
        hospital_state TEXT NOT NULL,
        admitted_at TEXT NOT NULL,
        -- Everything needed to send it again: no Aadhaar number, no PID block.
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        portal_ref TEXT,
        portal_number TEXT,
        portal_status TEXT,
        registered_at TEXT,
        expires_at TEXT,
        last_error TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
        resubmitted_from TEXT REFERENCES registrations (id),
        resolved_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX registrations_state ON registrations (state);

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY, -- the client id, sent as Idempotency-Key
        seq INTEGER NOT NULL UNIQUE,
        registration_id TEXT NOT NULL UNIQUE REFERENCES registrations (id),
        patient_id TEXT NOT NULL REFERENCES patients (id),
        priority INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'needs-action')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        -- Buffered authentication only: AES-256-GCM, bound to this row, deleted once sent or expired.
        pid_ciphertext BLOB,
        pid_iv BLOB,
        pid_tag BLOB,
        pid_expires_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (state, priority, seq);
      CREATE INDEX outbox_patient ON outbox (patient_id, seq);

      CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        outbox_id TEXT NOT NULL REFERENCES outbox (id),
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        error_code TEXT,
        message TEXT CHECK (message IS NULL OR json_valid(message)),
        duration_ms INTEGER
      ) STRICT;
      CREATE INDEX attempts_outbox ON attempts (outbox_id, id);

      CREATE TABLE capture_attempts (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        at TEXT NOT NULL,
        finger TEXT NOT NULL,
        err_code TEXT NOT NULL,
        q_score REAL,
        nm_points INTEGER,
        outcome TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT CHECK (detail IS NULL OR json_valid(detail))
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

      CREATE TABLE sync_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'no Aadhaar hash; patient details kept per registration; cancellation reasons; import batches; indexes',
    sql: `
      -- A keyed hash beside the last 4 digits, with its key in the same folder, gave the full
      -- number back in seconds. Nothing on this desk needs it: drop it (secure_delete zeroes it).
      ALTER TABLE patients DROP COLUMN aadhaar_hmac;

      -- A registration keeps the patient details it was made with; a later record for the same
      -- beneficiary updates the patient, never an earlier registration.
      ALTER TABLE registrations ADD COLUMN patient_name TEXT;
      ALTER TABLE registrations ADD COLUMN patient_gender TEXT CHECK (patient_gender IS NULL OR patient_gender IN ('F', 'M', 'T'));
      ALTER TABLE registrations ADD COLUMN patient_year_of_birth INTEGER;
      ALTER TABLE registrations ADD COLUMN patient_mobile TEXT;
      ALTER TABLE registrations ADD COLUMN patient_district TEXT;
      UPDATE registrations SET patient_name = p.name, patient_gender = p.gender, patient_year_of_birth = p.year_of_birth,
                               patient_mobile = p.mobile, patient_district = p.district
        FROM patients p WHERE p.id = registrations.patient_id;

      -- The portal's own words when it cancels a registration.
      ALTER TABLE registrations ADD COLUMN cancelled_reason TEXT;

      -- Paper records typed in after an outage: which file, so a second import of it is refused.
      CREATE TABLE import_batches (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
        records INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX import_batches_file ON import_batches (file_sha256);
      ALTER TABLE registrations ADD COLUMN import_batch INTEGER REFERENCES import_batches (id);
      -- Same patient, same kind, same admission: the same registration, however it was typed.
      ALTER TABLE registrations ADD COLUMN fingerprint TEXT;
      CREATE INDEX registrations_fingerprint ON registrations (fingerprint);

      -- The queue screen reads each entry's history and links: without these, 100k entries take seconds.
      CREATE INDEX audit_log_subject ON audit_log (subject, id);

      -- One row the storage check rewrites to learn whether the database takes writes again.
      CREATE TABLE store_check (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL) STRICT;
      CREATE INDEX registrations_resubmitted_from ON registrations (resubmitted_from);
    `,
    run: normalisePortalTimes,
  },
];

/** Times the portal sent with an offset were once stored as received: store them in UTC, as every reader expects. */
function normalisePortalTimes(db: Database): void {
  const rows = db
    .prepare<[], { id: string; registered_at: string | null; expires_at: string | null }>(`SELECT id, registered_at, expires_at FROM registrations WHERE expires_at IS NOT NULL OR registered_at IS NOT NULL`)
    .all();
  const update = db.prepare('UPDATE registrations SET registered_at = ?, expires_at = ? WHERE id = ?');
  for (const row of rows) {
    const registered = toUtcOrNull(row.registered_at);
    const expires = toUtcOrNull(row.expires_at);
    if (registered !== row.registered_at || expires !== row.expires_at) update.run(registered, expires, row.id);
  }
}

function toUtcOrNull(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

export function migrate(db: Database, file: string): { from: number; to: number } {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > LATEST_VERSION) {
    throw new StoreError('too-new', `database ${file} was written by a newer Mitra Desk (schema ${from}, this one knows ${LATEST_VERSION})`, { file, version: from });
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.run?.(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: LATEST_VERSION };
}
