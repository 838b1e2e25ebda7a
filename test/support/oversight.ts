import { getAs, postAs } from './http.js';
import { addUser, uploadEcgStudy } from './reading.js';
import { residentId, signedEcg } from './recognition.js';
import type { Tenant } from './tenant.js';
import type { TestApp } from './test-app.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Minutes from request to signature of the three signed ECGs (the second one after its 30-minute SLA). */
export const SIGNED_TURNAROUNDS = [10, 50, 20] as const;
export const SLA_MINUTES = 30;

export interface OversightActivity {
  /** A doctor of the tenant's second clinic, where the first ECG's patient comes for a repeat test. */
  receiving: { token: string; username: string; password: string };
  /** The shared patient's consortium id and local id at the second clinic. */
  patientId: string;
  receivingLocalId: string;
}

/**
 * A known day of the tenant's ECG centre, all through the API except the clock: three ECGs from the first clinic
 * signed (their requests then moved back so they took SIGNED_TURNAROUNDS minutes, due SLA_MINUTES after the request),
 * one returned to the clinic, two open (urgent; routine and overdue); and at the second clinic two look-ups of the
 * first ECG's patient, one recognised and one not. `seq` keeps patients of several calls apart.
 */
export async function seedOversightActivity(t: TestApp, tenant: Tenant, seq = 0): Promise<OversightActivity> {
  const clinic = tenant.tokens.clinic_doctor;
  const ecgQueue = `/api/centres/${tenant.centreIds.ecg}/claim`;
  const signed = [];
  for (const [i, minutes] of SIGNED_TURNAROUNDS.entries()) {
    const performedAt = new Date(Date.now() - DAY_MS);
    const person = { localId: `OV-${seq}-${i}`, nationalId: residentId(seq * 10 + i), performedAt };
    const ecg = await signedEcg(t, tenant, clinic, person);
    signed.push(ecg);
    await t.sql(
      `WITH task AS (SELECT t.id, t.request_id, t.signed_at FROM reading_tasks t JOIN reports p ON p.task_id = t.id
                      WHERE p.id = $1),
            moved AS (UPDATE reading_requests r SET created_at = task.signed_at - make_interval(mins => $2)
                        FROM task WHERE r.id = task.request_id RETURNING r.created_at)
       UPDATE reading_tasks t SET queued_at = moved.created_at, due_at = moved.created_at + make_interval(mins => $3)
         FROM task, moved WHERE t.id = task.id`,
      [ecg.reportId, minutes, SLA_MINUTES],
    );
  }

  const request = async (localId: string, priority: string) => {
    const studyId = await uploadEcgStudy(t, clinic, localId);
    return (await postAs(t, '/api/requests', clinic, { studyId, priority }).expect(201)).body.task.id as string;
  };
  const toReturn = await request(`OV-${seq}-R`, 'routine');
  const claim = await postAs(t, ecgQueue, tenant.tokens.reader, { stage: 'read' }).expect(200);
  if (claim.body.id !== toReturn) throw new Error('another task was in the ECG queue');
  await postAs(t, `/api/tasks/${toReturn}/return`, tenant.tokens.reader, {
    fencingToken: claim.body.fencingToken,
    reason: 'poor_image_quality',
  }).expect(200);
  await request(`OV-${seq}-U`, 'urgent');
  const overdue = await request(`OV-${seq}-O`, 'routine');
  await t.sql('UPDATE reading_tasks SET due_at = $2 WHERE id = $1', [overdue, new Date(Date.now() - 5 * MINUTE_MS)]);

  // The first patient at the second clinic: two look-ups of the prior ECG, recognised once and then not.
  await postAs(t, `/api/institutions/${tenant.clinicIds[0]}/qc-records`, tenant.tokens.admin, {
    discipline: 'ecg',
    passedFrom: '2020-01-01',
    source: '市心电质控中心',
  }).expect(201);
  const receiving = await addUser(t, tenant, { role: 'clinic_doctor', institutionId: tenant.clinicIds[1] });
  const receivingLocalId = `C2-OV-${seq}`;
  const patient = await postAs(t, '/api/patients', receiving.token, {
    localId: receivingLocalId,
    name: '互认^测试',
    nationalId: residentId(seq * 10),
  }).expect(201);
  const patientId = patient.body.id as string;
  if (patientId !== signed[0]!.patientId) throw new Error('the national id did not link the patient');
  for (const decision of ['recognised', 'not_recognised'] as const) {
    const lookup = await getAs(t, `/api/patients/${patientId}/recognizable?item=ECG-12`, receiving.token).expect(200);
    await postAs(t, '/api/recognition/decisions', receiving.token, {
      lookupSerial: lookup.body.lookupSerial,
      resultId: lookup.body.recognisable[0].resultId,
      decision,
      ...(decision === 'not_recognised' ? { reasonCode: 'critical_to_treatment' } : {}),
      patientInformed: true,
    }).expect(201);
  }
  return { receiving, patientId, receivingLocalId };
}
