import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@hub/audit';
import { type Actor, DomainError } from '@hub/core';
import { assertRecordScope, targetConsortium } from './registry-rules.js';

const isForbidden = (err: unknown): boolean => err instanceof DomainError && err.kind === 'forbidden';

/** Consortium scope checks for registry writes; a refused attempt on another consortium is itself an audit event. */
@Injectable()
export class RegistryScope {
  constructor(private readonly audit: AuditTrail) {}

  async forWrite(actor: Actor, requested: string | undefined, action: string): Promise<string> {
    try {
      return targetConsortium(actor, requested);
    } catch (err) {
      if (isForbidden(err)) await this.denied(action, 'consortium', requested ?? null);
      throw err;
    }
  }

  async assertWritable(
    actor: Actor,
    consortiumId: string,
    action: string,
    object: { type: string; id: string },
  ): Promise<void> {
    try {
      assertRecordScope(actor, consortiumId);
    } catch (err) {
      if (isForbidden(err)) await this.denied(action, object.type, object.id);
      throw err;
    }
  }

  private denied(action: string, objectType: string, objectId: string | null): Promise<void> {
    return this.audit.record({ action, objectType, objectId, outcome: 'denied' });
  }
}
