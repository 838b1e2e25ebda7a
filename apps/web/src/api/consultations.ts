import type { ConsultationInvitation, DirectoryEntry, NewConsultation } from '@hub/contracts';
import type { ApiClient } from './http';
import type { Consultation, ConsultationState, Page } from './types';

// Consultations (远程会诊 / MDT) over REST (libs/consultation's consultations.controller.ts). The live room is /mdt
// (see mdt.ts); a conclusion is drafted there too, but signed here.

const id = encodeURIComponent;
const base = (consultationId: string) => `/api/consultations/${id(consultationId)}`;

export type { ConsultationInvitation as Invitation, NewConsultation } from '@hub/contracts';

/** The caller's consultations: their institution's requests, their invitations, their consortium's (coordinators). */
export function listConsultations(api: ApiClient, state?: ConsultationState): Promise<Page<Consultation>> {
  return api.get<Page<Consultation>>('/api/consultations', { query: { state, limit: 100 } });
}

/** With participants, materials and the caller's standing (yourRole). */
export function getConsultation(api: ApiClient, consultationId: string): Promise<Consultation> {
  return api.get<Consultation>(base(consultationId));
}

/** clinic_doctor only. */
export function createConsultation(api: ApiClient, body: NewConsultation): Promise<Consultation> {
  return api.post<Consultation>('/api/consultations', body);
}

/** The requesting doctor records the patient's informed consent (知情同意); needed before scheduling. */
export function recordConsent(api: ApiClient, consultationId: string, note?: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/consent`, note ? { note } : {});
}

/** Coordinator (or admin): the consortium's active specialists, to invite. */
export async function listSpecialists(api: ApiClient): Promise<DirectoryEntry[]> {
  const page = await api.get<Page<DirectoryEntry>>('/api/users/directory', {
    query: { role: 'specialist', limit: 100 },
  });
  return page.items;
}

/** Coordinator only. */
export function invite(
  api: ApiClient,
  consultationId: string,
  invitation: ConsultationInvitation,
): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/invitations`, invitation);
}

/** Coordinator only: the specialist loses access to the materials at once. */
export function withdrawInvitation(api: ApiClient, consultationId: string, userId: string): Promise<Consultation> {
  return api.delete<Consultation>(`${base(consultationId)}/invitations/${id(userId)}`);
}

/** Coordinator only; schedules a requested one or reschedules a scheduled one. The consent must be on record. */
export function schedule(api: ApiClient, consultationId: string, scheduledAt: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/schedule`, { scheduledAt });
}

/** Coordinator or chair. */
export function start(api: ApiClient, consultationId: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/start`);
}

/** Coordinator or chair, once the conclusion is signed. */
export function end(api: ApiClient, consultationId: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/end`);
}

/** Coordinator or the requesting institution, before it starts. */
export function cancel(api: ApiClient, consultationId: string, reason: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/cancel`, { reason });
}

/** Chair only: the room sees the draft as a conclusion.draft event (the room itself drafts over /mdt, see mdt.ts). */
export function draftConclusion(api: ApiClient, consultationId: string, text: string): Promise<Consultation> {
  return api.put<Consultation>(`${base(consultationId)}/conclusion`, { text });
}

/** Chair only, while live: signs the conclusion as it stands, with the room's attendance; immutable from then on. */
export function signConclusion(api: ApiClient, consultationId: string): Promise<Consultation> {
  return api.post<Consultation>(`${base(consultationId)}/conclusion/sign`);
}
