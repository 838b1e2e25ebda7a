import type { UserAccount } from '@hub/auth';
import type { Discipline, InstitutionLevel, Priority, Role } from '@hub/core';

export interface Consortium {
  id: string;
  code: string;
  name: string;
  createdAt: Date;
}

export interface Institution {
  id: string;
  consortiumId: string;
  code: string;
  name: string;
  level: InstitutionLevel;
  gridArea: string | null;
  createdAt: Date;
}

/** Turnaround targets in minutes, from request to signed report. */
export type CentreSla = Record<Priority, number>;

export interface Centre {
  id: string;
  consortiumId: string;
  hostInstitutionId: string;
  name: string;
  discipline: Discipline;
  sla: CentreSla;
  twoStepSignoff: boolean;
  servedInstitutionIds: string[];
  createdAt: Date;
}

export interface ReadingPrivilege {
  discipline: Discipline;
  canSign: boolean;
}

/** A centre as one reader sees it: the centre and the reader's privileges (of every discipline). */
export interface CentreForReader {
  centre: Centre;
  privileges: ReadingPrivilege[];
}

export interface RegistryUser extends UserAccount {
  privileges: ReadingPrivilege[];
}

export type { DirectoryEntry } from '@hub/contracts';

export interface NewConsortium {
  code: string;
  name: string;
}

export type NewInstitution = Omit<Institution, 'id' | 'createdAt'>;

export type NewCentre = Omit<Centre, 'id' | 'createdAt'>;

/** What an administrator asks for; consortiumId defaults to the caller's own. */
export interface InstitutionRequest {
  consortiumId?: string;
  code: string;
  name: string;
  level: InstitutionLevel;
  gridArea?: string;
}

export interface CentreRequest {
  consortiumId?: string;
  name: string;
  discipline: Discipline;
  hostInstitutionId: string;
  servedInstitutionIds: string[];
  sla?: CentreSla;
  twoStepSignoff?: boolean;
}

export interface UserRequest {
  username: string;
  password: string;
  displayName: string;
  institutionId: string;
  roles: Role[];
  privileges?: ReadingPrivilege[];
}
