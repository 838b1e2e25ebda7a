import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Discipline } from '@hub/core';
import { CentreRepository } from './centre.repository.js';
import { ConsortiumRepository } from './consortium.repository.js';
import { InstitutionRepository } from './institution.repository.js';
import { ReadingPrivilegeRepository } from './reading-privilege.repository.js';
import type { Centre, CentreForReader, Consortium, Institution, ReadingPrivilege } from './registry.types.js';

/**
 * Read-only registry look-ups for the other domain libs (reading, recognition, consultation). No caller scope here:
 * the calling service applies its own rules to what it gets back.
 */
@Injectable()
export class RegistryQueries {
  constructor(
    private readonly consortia: ConsortiumRepository,
    private readonly institutions: InstitutionRepository,
    private readonly centres: CentreRepository,
    private readonly privileges: ReadingPrivilegeRepository,
  ) {}

  findConsortium(id: string): Promise<Consortium | null> {
    return this.consortia.findById(id);
  }

  findInstitution(id: string): Promise<Institution | null> {
    return this.institutions.findById(id);
  }

  /** Inside a transaction, pass its manager: a second pooled connection per request can deadlock a busy pool. */
  findCentre(id: string, manager?: EntityManager): Promise<Centre | null> {
    return this.centres.findById(id, manager);
  }

  /** The centre and the reading privileges of `userId`, in one round trip; null when there is no such centre. */
  centreForReader(centreId: string, userId: string, manager?: EntityManager): Promise<CentreForReader | null> {
    return this.centres.findForReader(centreId, userId, manager);
  }

  /** Where an institution's studies of a discipline are read: normally exactly one centre. */
  centresServing(institutionId: string, discipline: Discipline): Promise<Centre[]> {
    return this.centres.findServing(institutionId, discipline);
  }

  centresOfConsortium(consortiumId: string): Promise<Centre[]> {
    return this.centres.findWhere({ consortiumId });
  }

  centresHostedBy(institutionId: string): Promise<Centre[]> {
    return this.centres.findWhere({ hostInstitutionId: institutionId });
  }

  privilegesOf(userId: string, manager?: EntityManager): Promise<ReadingPrivilege[]> {
    return this.privileges.listFor(userId, manager);
  }
}
