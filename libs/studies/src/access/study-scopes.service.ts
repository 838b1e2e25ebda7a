import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, forbidden } from '@hub/core';
import { RegistryQueries } from '@hub/consortium';
import { mayBeCentreStaff, readableCentreIds, type StudyScope, studyScopeFor } from '../study-access.policy.js';
import { StudyWhere } from './study-where.js';

const NO_SCOPE =
  'Studies are open to the clinic that sent them, to the consortium’s coordinators and to the readers of a centre ' +
  'asked to read them';

/** Resolves a caller's study scope, looking up the centres they staff when they are a reader. */
@Injectable()
export class StudyScopes {
  constructor(private readonly registry: RegistryQueries) {}

  /** The caller's scope, or null when they may see no study. */
  async of(actor: Actor): Promise<StudyScope | null> {
    if (!mayBeCentreStaff(actor)) return studyScopeFor(actor);
    const [centres, privileges] = await Promise.all([
      this.registry.centresHostedBy(actor.institutionId!),
      this.registry.privilegesOf(actor.userId),
    ]);
    return studyScopeFor(actor, readableCentreIds(actor, centres, privileges));
  }

  /** The caller's scope; 403 when they may see no study. */
  async require(actor: Actor): Promise<StudyScope> {
    const scope = await this.of(actor);
    if (!scope) throw forbidden(NO_SCOPE);
    return scope;
  }

  /** Whether the study is in the scope (one indexed look-up). */
  async includes(m: EntityManager, scope: StudyScope, studyId: string): Promise<boolean> {
    const w = new StudyWhere(scope);
    w.add('s.id = $?', studyId);
    const [row]: { ok: boolean }[] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM studies s WHERE ${w.sql}) AS ok`,
      w.params,
    );
    return row?.ok === true;
  }
}
