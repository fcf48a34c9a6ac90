import type { Db } from '../database';

/** A paper-record file imported once: its name for people, its digest to refuse a second import. */
export interface ImportBatch {
  id: number;
  at: string;
  fileName: string;
  records: number;
}

/** An earlier import of a file with the same bytes. */
export function importOfFile(db: Db, sha256: string): ImportBatch | undefined {
  return db.prepare<[string], ImportBatch>('SELECT id, at, file_name AS fileName, records FROM import_batches WHERE file_sha256 = ? ORDER BY id LIMIT 1').get(sha256);
}

export function insertImportBatch(db: Db, batch: { at: string; fileName: string; sha256: string; records: number }): number {
  return Number(db.prepare('INSERT INTO import_batches (at, file_name, file_sha256, records) VALUES (?, ?, ?, ?)').run(batch.at, batch.fileName, batch.sha256, batch.records).lastInsertRowid);
}
