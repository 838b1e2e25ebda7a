import { DomainError } from '../errors/domain-error.js';
import { type Actor, isPlatformAdmin } from './actor.js';

/** Consortium-level data (registry, oversight): the caller's own consortium, or anything for the platform admin. */
export function assertConsortiumScope(actor: Actor, consortiumId: string): void {
  if (isPlatformAdmin(actor) || actor.consortiumId === consortiumId) return;
  throw new DomainError('forbidden', 'This belongs to another consortium than yours');
}

/** Institution-level data (a clinic's patients and studies): the caller's own institution only. */
export function assertInstitutionScope(actor: Actor, institutionId: string): void {
  if (actor.institutionId === institutionId) return;
  throw new DomainError('forbidden', 'This belongs to another institution than yours');
}
