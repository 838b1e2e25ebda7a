import type { Readable } from 'node:stream';
import type { InstanceResult } from '@hub/studies';
import type { CallingModality } from '../modality.types.js';
import type { NaturalDataset } from './find-identifier.js';

export interface AssociationRequest {
  callingAeTitle: string;
  calledAeTitle: string;
  remoteAddress: string | undefined;
}

export type Admission =
  | { accepted: true; modality: CallingModality }
  | { accepted: false; why: 'called-ae' | 'calling-ae' | 'address' | 'busy' };

/** One association's doings, for its audit event and the auto-requests when it ends. */
export interface AssociationSummary {
  stored: number;
  failed: number;
  /** Study Instance UIDs that received at least one instance new to the hub. */
  studiesWithNewInstances: Set<string>;
}

/** One accepted association: the modality it speaks for and an id for its audit events. */
export interface AssociationSession {
  id: string;
  modality: CallingModality;
  remoteAddress: string | null;
}

/** What the DICOM listener asks of the hub; the listener itself knows only the protocol. */
export interface ScpServices {
  admit(request: AssociationRequest): Promise<Admission>;
  store(session: AssociationSession, part10: Readable): Promise<InstanceResult>;
  findStudies(session: AssociationSession, identifier: NaturalDataset): Promise<NaturalDataset[]>;
  ended(session: AssociationSession, summary: AssociationSummary): void;
}
