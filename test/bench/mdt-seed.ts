/**
 * The MDT benchmark's rooms, made through the hub's REST API as users make them (test/support/consultations.ts does
 * the same through supertest): one consortium with a lead hospital and a township clinic served by an ECG centre; the
 * clinic's doctor (who requests), a coordinator and SPECIALISTS specialists at the lead hospital; then, per room, an ECG
 * study of a new patient uploaded by the doctor, a consultation (MDT) requested with the consent recorded, every
 * specialist invited (the first as chair), scheduled and started: a live room whose participants are the ten users.
 */
import { randomBytes } from 'node:crypto';
import { PDF } from '../fixtures/uploads.js';
import { api, login } from './bench-api.js';

const SPECIALISTS = 8;
/** Rooms set up at the same time (each is a dozen sequential requests). */
const SEED_CONCURRENCY = 4;

export interface MdtParticipant {
  userId: string;
  username: string;
  token: string;
}

export interface MdtSeed {
  consultationIds: string[];
  /** Requester, coordinator, then the specialists (the first is the chair): everyone in every room. */
  participants: MdtParticipant[];
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function seedMdtRooms(base: string, adminPassword: string, rooms: number): Promise<MdtSeed> {
  const admin = await login(base, 'admin', adminPassword);
  const code = `MB${randomBytes(3).toString('hex').toUpperCase()}`;
  const suffix = code.toLowerCase();
  const post = <T>(url: string, body: object, token = admin) => api<T>(base, token, 'POST', url, body);

  const consortium = await post<{ id: string }>('/api/consortia', { code, name: `MDT bench consortium ${code}` });
  const institution = (instCode: string, name: string, level: string) =>
    post<{ id: string }>('/api/institutions', { consortiumId: consortium.id, code: instCode, name, level });
  const lead = await institution('LEAD', `Lead hospital ${code}`, 'tertiary');
  const clinic = await institution('TC-1', `Township clinic ${code}`, 'township');
  await post('/api/centres', {
    consortiumId: consortium.id,
    name: `ECG centre ${code}`,
    discipline: 'ecg',
    hostInstitutionId: lead.id,
    servedInstitutionIds: [clinic.id],
  });

  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const people = [
    { username: `doctor.${suffix}`, institutionId: clinic.id, role: 'clinic_doctor' },
    { username: `coordinator.${suffix}`, institutionId: lead.id, role: 'coordinator' },
    ...Array.from({ length: SPECIALISTS }, (_, i) => ({
      username: `specialist${i + 1}.${suffix}`,
      institutionId: lead.id,
      role: 'specialist',
    })),
  ];
  const participants: MdtParticipant[] = [];
  for (const p of people) {
    const user = await post<{ id: string }>('/api/users', {
      username: p.username,
      password,
      displayName: p.username,
      institutionId: p.institutionId,
      roles: [p.role],
      privileges: [],
    });
    participants.push({ userId: user.id, username: p.username, token: await login(base, p.username, password) });
  }
  const [doctor, coordinator, ...specialists] = participants as [MdtParticipant, MdtParticipant, ...MdtParticipant[]];

  const consultationIds = await inBatches(
    Array.from({ length: rooms }, (_, i) => i),
    SEED_CONCURRENCY,
    async (_, i) => {
      const form = new FormData();
      form.append(
        'metadata',
        JSON.stringify({
          patient: { localId: `MB-${i + 1}`, name: '王^会诊', sex: 'M', birthDate: '1963-04-05' },
          discipline: 'ecg',
          examCode: 'ECG-12',
          performedAt: new Date(Date.now() - 3600_000).toISOString(),
        }),
      );
      form.append('files', new Blob([PDF], { type: 'application/pdf' }), 'ecg.pdf');
      const study = await api<{ id: string; patientId?: string }>(base, doctor.token, 'POST', '/api/studies', form);
      const patientId =
        study.patientId ??
        (await api<{ patientId: string }>(base, doctor.token, 'GET', `/api/studies/${study.id}`)).patientId;
      const consultation = await post<{ id: string }>(
        '/api/consultations',
        {
          kind: 'mdt',
          patientId,
          question: '胸痛待查，是否需要介入治疗？',
          caseSummary: '男，62岁，反复胸痛3天。',
          studyIds: [study.id],
          requestedSpecialties: ['心内科', '影像科'],
          consent: { note: '患者已签署知情同意书' },
        },
        doctor.token,
      );
      const path = `/api/consultations/${consultation.id}`;
      for (const [n, s] of specialists.entries()) {
        await post(
          `${path}/invitations`,
          { userId: s.userId, role: n === 0 ? 'chair' : 'specialist', specialty: n % 2 ? '影像科' : '心内科' },
          coordinator.token,
        );
      }
      await post(`${path}/schedule`, { scheduledAt: new Date(Date.now() + 60_000).toISOString() }, coordinator.token);
      await post(`${path}/start`, {}, coordinator.token);
      return consultation.id;
    },
  );
  return { consultationIds, participants };
}
