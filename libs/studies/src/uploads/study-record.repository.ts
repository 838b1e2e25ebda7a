import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, forbidden, notFound } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { StudyScopes } from '../access/study-scopes.service.js';
import { loadStudyRecord, type StudyFileView, type StudyRecord } from './study-record.js';

/** Reads of one study and its files: scoped to what the caller may see, and audited in the same transaction. */
@Injectable()
export class StudyRecordRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly audit: AuditTrail,
    private readonly scopes: StudyScopes,
  ) {}

  get(actor: Actor, id: string): Promise<StudyRecord> {
    return this.readAudited(actor, id, 'study.read', undefined, (study) => study);
  }

  async openFile(actor: Actor, studyId: string, fileId: string): Promise<{ file: StudyFileView; body: Readable }> {
    const { file, objectKey } = await this.readAudited(actor, studyId, 'study.file.read', fileId, async (study, m) => {
      const found = study.files.find((f) => f.id === fileId);
      if (!found) throw notFound('File', fileId);
      const [row]: { object_key: string }[] = await m.query('SELECT object_key FROM study_files WHERE id = $1', [
        fileId,
      ]);
      return { file: found, objectKey: row!.object_key };
    });
    return { file, body: await this.store.get(objectKey) };
  }

  private async readAudited<T>(
    actor: Actor,
    id: string,
    action: string,
    fileId: string | undefined,
    pick: (study: StudyRecord, m: EntityManager) => T | Promise<T>,
  ): Promise<T> {
    const scope = await this.scopes.of(actor);
    const outcome = await this.dataSource.transaction(async (m) => {
      const study = await loadStudyRecord(m, id);
      if (!study) return { kind: 'missing' as const };
      if (!scope || !(await this.scopes.includes(m, scope, id))) {
        return { kind: 'denied' as const, patientId: study.patientId };
      }
      const value = await pick(study, m);
      await this.audit.record(
        { action, objectType: fileId ? 'study_file' : 'study', objectId: fileId ?? id, patientId: study.patientId },
        m,
      );
      return { kind: 'ok' as const, value };
    });
    if (outcome.kind === 'missing') throw notFound('Study', id);
    if (outcome.kind === 'denied') {
      await this.audit.record({
        action,
        objectType: 'study',
        objectId: id,
        patientId: outcome.patientId,
        outcome: 'denied',
      });
      throw forbidden(
        'This study is not yours to see: it is open to the clinic that sent it, its consortium’s coordinators and the ' +
          'readers of a centre asked to read it',
      );
    }
    return outcome.value;
  }
}
