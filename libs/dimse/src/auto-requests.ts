import { Injectable, Logger } from '@nestjs/common';
import { AuditTrail } from '@hub/audit';
import { UserAccounts } from '@hub/auth';
import { type Actor, DomainError, requestContext } from '@hub/core';
import { ReadingRequests } from '@hub/reading';
import type { AssociationSession } from './scp/scp-services.js';

/**
 * A clinic that turned auto-request on for a modality gets a reading request for every study that arrives from it with
 * new instances, made when the association ends (the modality has sent what it had) in the name of the clinic user
 * who turned it on. A study that already has an open request keeps it; a user who has since left the clinic or been
 * deactivated makes nothing (recorded as a failed audit event, so the clinic can see why).
 */
@Injectable()
export class AutoRequests {
  private readonly logger = new Logger('DicomAutoRequests');

  constructor(
    private readonly accounts: UserAccounts,
    private readonly requests: ReadingRequests,
    private readonly audit: AuditTrail,
  ) {}

  async forStudies(session: AssociationSession, studyInstanceUids: Iterable<string>): Promise<void> {
    const setting = session.modality.autoRequest;
    if (!setting) return;
    const uids = [...studyInstanceUids];
    if (uids.length === 0) return;
    const requester = await this.requesterFor(session);
    await requestContext.run(
      { requestId: session.id, sourceIp: session.remoteAddress, actor: requester ?? undefined },
      async () => {
        if (!requester) {
          await this.audit.record({
            action: 'dicom.auto_request',
            objectType: 'dicom_modality',
            objectId: session.modality.id,
            outcome: 'failed',
            details: { reason: 'the user who turned auto-request on is no longer active staff of the clinic' },
          });
          return;
        }
        for (const studyInstanceUid of uids) {
          try {
            await this.requests.create(requester, {
              studyInstanceUid,
              priority: setting.priority,
              referral: setting.referral,
              clinicalNotes: `Auto-request: sent by modality ${session.modality.aeTitle}`,
            });
          } catch (err) {
            // An open request for the study is what auto-request would have made: nothing to do.
            if (err instanceof DomainError && err.kind === 'conflict') continue;
            this.logger.warn(`auto-request failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      },
    );
  }

  private async requesterFor(session: AssociationSession): Promise<Actor | null> {
    const account = await this.accounts.findById(session.modality.autoRequest!.requestedByUserId);
    const stillStaff =
      account?.active &&
      account.institutionId === session.modality.institutionId &&
      account.roles.some((r) => r === 'clinic_doctor' || r === 'clinic_technician');
    if (!account || !stillStaff) return null;
    return {
      userId: account.id,
      username: account.username,
      roles: account.roles,
      institutionId: account.institutionId,
      consortiumId: account.consortiumId,
      sessionId: session.id,
      mfa: false,
    };
  }
}
