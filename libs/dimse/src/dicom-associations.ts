import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '@hub/audit';
import { HUB_CONFIG, type HubConfig, requestContext } from '@hub/core';
import { DicomStudySearch, InstanceIngestService, type InstanceResult } from '@hub/studies';
import { addressAllowed } from './address-allow.js';
import { AutoRequests } from './auto-requests.js';
import { DicomModalities } from './dicom-modalities.service.js';
import { modalityActor } from './modality-actor.js';
import { type NaturalDataset, readStudyFind, studyFindAnswer } from './scp/find-identifier.js';
import type {
  Admission,
  AssociationRequest,
  AssociationSession,
  AssociationSummary,
  ScpServices,
} from './scp/scp-services.js';

/** The most studies one C-FIND answers (a modality's query is for its own clinic's worklist, not an export). */
const FIND_LIMIT = 500;

/** The hub's side of each association: who may call, where instances go, what a query sees, what is audited. */
@Injectable()
export class DicomAssociations implements ScpServices {
  private readonly logger = new Logger('DicomGateway');
  private active = 0;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly modalities: DicomModalities,
    private readonly ingest: InstanceIngestService,
    private readonly search: DicomStudySearch,
    private readonly autoRequests: AutoRequests,
    private readonly audit: AuditTrail,
  ) {}

  async admit(request: AssociationRequest): Promise<Admission> {
    const admission = await this.decide(request);
    await requestContext.run({ requestId: randomUUID(), sourceIp: request.remoteAddress ?? null }, () =>
      this.audit.record({
        action: 'dicom.association',
        objectType: 'dicom_modality',
        objectId: admission.accepted ? admission.modality.id : null,
        outcome: admission.accepted ? 'success' : 'denied',
        details: {
          callingAeTitle: request.callingAeTitle,
          calledAeTitle: request.calledAeTitle,
          ...(admission.accepted ? {} : { refused: admission.why }),
        },
      }),
    );
    if (admission.accepted) this.active += 1;
    else this.logger.warn(`association refused (${admission.why}) for calling AE ${request.callingAeTitle}`);
    return admission;
  }

  store(session: AssociationSession, part10: Readable): Promise<InstanceResult> {
    return this.inContext(session, () => this.ingest.ingest(modalityActor(session), part10));
  }

  findStudies(session: AssociationSession, identifier: NaturalDataset): Promise<NaturalDataset[]> {
    const find = readStudyFind(identifier);
    return this.inContext(session, async () => {
      const studies = await this.search.studies(modalityActor(session), find.matching, FIND_LIMIT);
      return studies.map((study) => studyFindAnswer(study, find.returnKeys));
    });
  }

  ended(session: AssociationSession, summary: AssociationSummary): void {
    this.active -= 1;
    void this.wrapUp(session, summary).catch((err: Error) =>
      this.logger.error(`after association ${session.id}: ${err.message}`),
    );
  }

  /** Auto-requests first, then the association's audit event: once that is written, everything it caused is done. */
  private async wrapUp(session: AssociationSession, summary: AssociationSummary): Promise<void> {
    await this.autoRequests.forStudies(session, summary.studiesWithNewInstances);
    if (summary.stored + summary.failed === 0) return;
    await this.inContext(session, () =>
      this.audit.record({
        action: 'dicom.store',
        objectType: 'dicom_association',
        objectId: session.id,
        outcome: summary.stored === 0 ? 'failed' : 'success',
        details: {
          aeTitle: session.modality.aeTitle,
          stored: summary.stored,
          failed: summary.failed,
          studies: [...summary.studiesWithNewInstances].slice(0, 100),
        },
      }),
    );
  }

  private async decide(request: AssociationRequest): Promise<Admission> {
    if (request.calledAeTitle !== this.config.DICOM_AE_TITLE) return { accepted: false, why: 'called-ae' };
    const modality = await this.modalities.calling(request.callingAeTitle);
    if (!modality) return { accepted: false, why: 'calling-ae' };
    if (!addressAllowed(modality.addresses, request.remoteAddress)) return { accepted: false, why: 'address' };
    if (this.active >= this.config.DICOM_MAX_ASSOCIATIONS) return { accepted: false, why: 'busy' };
    return { accepted: true, modality };
  }

  private inContext<T>(session: AssociationSession, fn: () => Promise<T>): Promise<T> {
    return requestContext.run(
      { requestId: session.id, sourceIp: session.remoteAddress, actor: modalityActor(session) },
      fn,
    );
  }
}
