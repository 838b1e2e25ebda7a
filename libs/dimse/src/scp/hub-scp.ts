import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import dimse from 'dcmjs-dimse';
import type { association, requests, responses } from 'dcmjs-dimse';
import { DomainError } from '@hub/core';
import { FailureReason, type InstanceResult } from '@hub/studies';
import { type NaturalDataset, readStudyFind } from './find-identifier.js';
import { negotiate } from './negotiation.js';
import { part10Header } from './part10-header.js';
import type { AssociationSession, AssociationSummary, ScpServices } from './scp-services.js';
import { storeStatus } from './store-status.js';

const { Dataset, Scp } = dimse;
const { CEchoResponse, CFindResponse, CStoreResponse } = dimse.responses;
const { PresentationContextResult, RejectReason, RejectResult, RejectSource, Status } = dimse.constants;

const REJECTIONS = {
  'called-ae': [RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized],
  'calling-ae': [RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized],
  // PS3.8 has no reason for "not from this address": the caller is not recognised as it presents itself.
  address: [RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized],
  busy: [RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.LocalLimitExceeded],
} as const;

/**
 * One DICOM association with a modality (PS3.7/PS3.8 through dcmjs-dimse). It accepts verification, study-level C-FIND
 * and storage; a C-STORE's data set is streamed, behind a Part 10 header, into the same ingest path as STOW-RS while it
 * arrives, so an instance is never held whole in memory.
 */
export class HubScp extends Scp {
  private session: AssociationSession | null = null;
  private readonly summary: AssociationSummary = { stored: 0, failed: 0, studiesWithNewInstances: new Set() };
  /** Instances being received: each request's ingest, and the stream its bytes go to. */
  private readonly receiving = new Map<
    requests.CStoreRequest,
    { body: PassThrough; result: Promise<InstanceResult> }
  >();

  constructor(
    private readonly socket: Socket,
    private readonly services: ScpServices,
    options: ConstructorParameters<typeof Scp>[1],
  ) {
    super(socket, options);
    // dcmjs-dimse starts its association timeout from `connectedTime`, which only its client side sets (on 'connect',
    // an event an accepted socket never emits): without this a peer that connects and says nothing is never let go.
    Object.assign(this, { connected: true, connectedTime: Date.now() });
    socket.once('close', () => this.closed());
  }

  override associationRequested(request: association.Association): void {
    void this.admit(request);
  }

  private async admit(request: association.Association): Promise<void> {
    try {
      const admission = await this.services.admit({
        callingAeTitle: request.getCallingAeTitle().trim(),
        calledAeTitle: request.getCalledAeTitle().trim(),
        remoteAddress: this.socket.remoteAddress,
      });
      if (!admission.accepted) {
        this.sendAssociationReject(...REJECTIONS[admission.why]);
        return;
      }
      this.session = {
        id: randomUUID(),
        modality: admission.modality,
        remoteAddress: this.socket.remoteAddress ?? null,
      };
      for (const { id } of request.getPresentationContexts()) {
        const context = request.getPresentationContext(id);
        const answer = negotiate(context.getAbstractSyntaxUid(), context.getTransferSyntaxUids());
        if (answer.accepted) context.setResult(PresentationContextResult.Accept, answer.transferSyntaxUid);
        else if (answer.reason === 'abstract-syntax')
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    } catch {
      this.sendAssociationReject(...REJECTIONS.busy);
    }
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(request: requests.CEchoRequest, callback: (response: responses.CEchoResponse) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  /** The data set of a C-STORE, as it arrives: into ingest behind the Part 10 header it lacks. */
  override createStoreWritableStream(context: association.PresentationContext, request: requests.CStoreRequest) {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    // A broken association reaches ingest through the stream and comes back as its rejection, handled below.
    body.on('error', () => undefined);
    body.write(
      part10Header({
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        transferSyntaxUid: context.getAcceptedTransferSyntaxUid()!,
        sourceAeTitle: this.session!.modality.aeTitle,
      }),
    );
    const result = this.services.store(this.session!, body);
    // Awaited by the C-STORE answer, which never comes if the association dies first.
    result.catch(() => undefined);
    this.receiving.set(request, { body, result });
    return body;
  }

  override createDatasetFromStoreWritableStream(
    _writable: unknown,
    context: association.PresentationContext,
    callback: (dataset: InstanceType<typeof Dataset>) => void,
  ): void {
    // The bytes went to the object store; the request needs no parsed copy of them.
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
  }

  override cStoreRequest(
    request: requests.CStoreRequest,
    callback: (response: responses.CStoreResponse) => void,
  ): void {
    void this.answerStore(request, callback);
  }

  private async answerStore(request: requests.CStoreRequest, callback: (response: responses.CStoreResponse) => void) {
    const receiving = this.receiving.get(request);
    this.receiving.delete(request);
    const response = CStoreResponse.fromRequest(request);
    let result: InstanceResult;
    try {
      result = receiving
        ? await receiving.result
        : { ok: false, reason: FailureReason.ProcessingFailure, message: 'No data set was received' };
    } catch {
      result = {
        ok: false,
        reason: FailureReason.ProcessingFailure,
        message: 'The hub could not store the instance: try again',
      };
    }
    if (result.ok) {
      this.summary.stored += 1;
      if (result.newInstanceId) this.summary.studiesWithNewInstances.add(result.parsed.studyInstanceUid);
    } else {
      this.summary.failed += 1;
    }
    const { status, errorComment } = storeStatus(result);
    response.setStatus(status);
    if (errorComment) response.setErrorComment(errorComment);
    callback(response);
  }

  override cFindRequest(
    request: requests.CFindRequest,
    callback: (responses: responses.CFindResponse[]) => void,
  ): void {
    void this.answerFind(request, callback);
  }

  private async answerFind(request: requests.CFindRequest, callback: (answers: responses.CFindResponse[]) => void) {
    const done = CFindResponse.fromRequest(request);
    try {
      const identifier = (request.getDataset()?.getElements() ?? {}) as NaturalDataset;
      const level = readStudyFind(identifier).level;
      if (level !== 'STUDY') {
        done.setStatus(0xa900);
        done.setErrorComment(`Only STUDY level is supported, not ${level || 'none'}`.slice(0, 64));
        callback([done]);
        return;
      }
      const matches = await this.services.findStudies(this.session!, identifier);
      const pending = matches.map((match) => {
        const answer = CFindResponse.fromRequest(request);
        answer.setDataset(new Dataset(match));
        answer.setStatus(Status.Pending);
        return answer;
      });
      done.setStatus(Status.Success);
      callback([...pending, done]);
    } catch (err) {
      // A bad matching value (a malformed date range …) is the caller's to fix; anything else is ours.
      const theirs = err instanceof DomainError && err.kind === 'invalid';
      done.setStatus(theirs ? 0xa900 : 0xc000);
      done.setErrorComment((theirs ? err.message : 'The hub could not run the query').slice(0, 64));
      callback([done]);
    }
  }

  override abort(): void {
    this.socket.destroy();
  }

  /** The connection is gone (released, aborted or dropped): an instance half received is abandoned, not stored. */
  private closed(): void {
    for (const { body } of this.receiving.values()) body.destroy(new Error('The association ended mid-instance'));
    this.receiving.clear();
    if (this.session) this.services.ended(this.session, this.summary);
    this.session = null;
  }
}
