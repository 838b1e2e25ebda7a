import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('modality registry (/api/modalities)', () => {
  let t: TestApp;
  let tenant: Tenant;
  let other: Tenant;
  let aeSeq = 0;
  const nextAe = () => `MOD${++aeSeq}`;

  const post = (token: string, body: unknown) =>
    request(t.http)
      .post('/api/modalities')
      .auth(token, { type: 'bearer' })
      .send(body as object);
  const register = async (institutionId: string, extra: object = {}) => {
    const res = await post(tenant.tokens.admin, { institutionId, aeTitle: nextAe(), ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; aeTitle: string; institutionId: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    [tenant, other] = await Promise.all([createTenant(t), createTenant(t)]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('register', () => {
    it('registers a modality for a clinic and audits it', async () => {
      const res = await post(tenant.tokens.admin, {
        institutionId: tenant.clinicIds[0],
        aeTitle: ' XZ_DR1 ',
        addresses: ['10.20.3.15', '10.20.4.0/24'],
        description: '放射科 DR',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        institutionId: tenant.clinicIds[0],
        aeTitle: 'XZ_DR1',
        addresses: ['10.20.3.15', '10.20.4.0/24'],
        description: '放射科 DR',
        autoRequest: null,
      });
      const [event] = await t.sql(
        "SELECT actor_user_id AS actor FROM audit_events WHERE action = 'dicom.modality.register' AND object_id = $1",
        [res.body.id],
      );
      expect(event).toEqual({ actor: tenant.userIds.admin });
    });

    it.each([
      ['a number as AE title', { aeTitle: 12 }, /aeTitle/],
      ['an AE title of 17 characters', { aeTitle: 'A'.repeat(17) }, /aeTitle/],
      ['a backslash in the AE title', { aeTitle: 'CT\\1' }, /aeTitle/],
      ['an all-space AE title', { aeTitle: '    ' }, /aeTitle/],
      ['addresses that are not a list', { addresses: '10.0.0.1' }, /addresses/],
      ['a host name as an address', { addresses: ['ct.clinic.local'] }, /CIDR/],
      ['a range past /32', { addresses: ['10.0.0.0/33'] }, /CIDR/],
      ['a description over 200 characters', { description: 'x'.repeat(201) }, /description/],
      ['an institution id that is no UUID', { institutionId: 'clinic-1' }, /institutionId/],
      ['an unknown field', { vendor: 'X' }, /vendor/],
    ])('refuses %s (400, nothing stored)', async (_name, patch, message) => {
      const before = await t.sql('SELECT count(*)::int AS n FROM dicom_modalities');
      const res = await post(tenant.tokens.admin, { institutionId: tenant.clinicIds[0], aeTitle: nextAe(), ...patch });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
      expect(await t.sql('SELECT count(*)::int AS n FROM dicom_modalities')).toEqual(before);
    });

    it('refuses missing fields with a message naming them', async () => {
      const res = await post(tenant.tokens.admin, {});
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/institutionId/);
      expect(res.body.message).toMatch(/aeTitle/);
    });

    it('refuses a body over the size limit with 413', async () => {
      const res = await post(tenant.tokens.admin, {
        institutionId: tenant.clinicIds[0],
        aeTitle: nextAe(),
        description: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(res.status).toBe(413);
    });

    it('refuses a second modality with the same AE title (409) and the hub’s own AE title (422)', async () => {
      const first = await register(tenant.clinicIds[0]);
      const again = await post(tenant.tokens.admin, { institutionId: tenant.clinicIds[1], aeTitle: first.aeTitle });
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/registered already/);
      const hub = await post(tenant.tokens.admin, { institutionId: tenant.clinicIds[1], aeTitle: 'HUB' });
      expect(hub.status).toBe(422);
      expect(hub.body.message).toMatch(/hub's own AE title/);
    });

    it('lets only the consortium’s administrators register (403 for other roles, audited)', async () => {
      for (const role of ['clinic_technician', 'clinic_doctor', 'coordinator', 'senior_reader'] as const) {
        const res = await post(tenant.tokens[role], { institutionId: tenant.clinicIds[0], aeTitle: nextAe() });
        expect(res.status).toBe(403);
      }
      const denied = await t.sql(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'dicom.modality.register' AND outcome = 'denied'",
      );
      expect(denied[0]!.n).toBeGreaterThanOrEqual(4);
    });

    it('lets the platform administrator register, see and remove a modality of any consortium', async () => {
      const res = await post(tenant.platformAdminToken, { institutionId: tenant.clinicIds[2], aeTitle: nextAe() });
      expect(res.status).toBe(201);
      const listed = await request(t.http)
        .get('/api/modalities')
        .query({ institutionId: tenant.clinicIds[2] })
        .auth(tenant.platformAdminToken, { type: 'bearer' });
      expect((listed.body as { id: string }[]).map((m) => m.id)).toContain(res.body.id);
      const removed = await request(t.http)
        .delete(`/api/modalities/${res.body.id}`)
        .auth(tenant.platformAdminToken, { type: 'bearer' });
      expect(removed.status).toBe(204);
    });

    it("answers 404 for another consortium's institution, and 401 without a token", async () => {
      const res = await post(other.tokens.admin, { institutionId: tenant.clinicIds[0], aeTitle: nextAe() });
      expect(res.status).toBe(404);
      const anonymous = await request(t.http)
        .post('/api/modalities')
        .send({ institutionId: tenant.clinicIds[0], aeTitle: nextAe() });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('list', () => {
    it('shows a clinic its own modalities only, and the consortium’s staff all of them', async () => {
      const mine = await register(tenant.clinicIds[1]);
      const theirs = await register(tenant.clinicIds[2]);
      const clinic = await request(t.http).get('/api/modalities').auth(tenant.tokens.clinic_doctor, { type: 'bearer' });
      expect(clinic.status).toBe(200);
      const clinicIds = (clinic.body as { id: string }[]).map((m) => m.id);
      expect(clinicIds).not.toContain(theirs.id);
      expect(clinicIds).not.toContain(mine.id); // clinic_doctor works at clinic 0
      const coordinator = await request(t.http)
        .get('/api/modalities')
        .query({ institutionId: tenant.clinicIds[2] })
        .auth(tenant.tokens.coordinator, { type: 'bearer' });
      expect((coordinator.body as { id: string }[]).map((m) => m.id)).toEqual([theirs.id]);
      const otherAdmin = await request(t.http).get('/api/modalities').auth(other.tokens.admin, { type: 'bearer' });
      expect((otherAdmin.body as { id: string }[]).map((m) => m.id)).not.toContain(theirs.id);
    });

    it("refuses a clinic asking for another clinic's list (403), a reader (403) and a bad filter (400)", async () => {
      const peek = await request(t.http)
        .get('/api/modalities')
        .query({ institutionId: tenant.clinicIds[1] })
        .auth(tenant.tokens.clinic_technician, { type: 'bearer' });
      expect(peek.status).toBe(403);
      const reader = await request(t.http).get('/api/modalities').auth(tenant.tokens.reader, { type: 'bearer' });
      expect(reader.status).toBe(403);
      const bad = await request(t.http)
        .get('/api/modalities')
        .query({ institutionId: 'x' })
        .auth(tenant.tokens.admin, { type: 'bearer' });
      expect(bad.status).toBe(400);
    });
  });

  describe('auto-request', () => {
    it("is the owning clinic's decision: its staff set it; administrators and other clinics cannot", async () => {
      const modality = await register(tenant.clinicIds[0]);
      const url = `/api/modalities/${modality.id}/auto-request`;
      const byAdmin = await request(t.http)
        .put(url)
        .auth(tenant.tokens.admin, { type: 'bearer' })
        .send({ priority: 'stat' });
      expect(byAdmin.status).toBe(403);
      const otherConsortium = await request(t.http)
        .put(url)
        .auth(other.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'stat' });
      expect(otherConsortium.status).toBe(404);
      const badPriority = await request(t.http)
        .put(url)
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'asap' });
      expect(badPriority.status).toBe(400);
      expect(badPriority.body.message).toMatch(/priority must be one of/);
      const badReferral = await request(t.http)
        .put(url)
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'stat', referral: 'yes' });
      expect(badReferral.status).toBe(400);
      const ok = await request(t.http)
        .put(url)
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'stat' });
      expect(ok.status).toBe(200);
      expect(ok.body.autoRequest).toMatchObject({ priority: 'stat', referral: false });
    });

    it('refuses staff of another clinic of the same consortium (403) and an unknown modality (404)', async () => {
      const modality = await register(tenant.clinicIds[2]);
      const res = await request(t.http)
        .put(`/api/modalities/${modality.id}/auto-request`)
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'routine' });
      expect(res.status).toBe(403);
      const unknown = await request(t.http)
        .put('/api/modalities/00000000-0000-4000-8000-000000000000/auto-request')
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'routine' });
      expect(unknown.status).toBe(404);
    });
  });

  describe('remove', () => {
    it('lets the consortium’s administrators remove a modality; others get 403, other consortia 404', async () => {
      const modality = await register(tenant.clinicIds[0]);
      const url = `/api/modalities/${modality.id}`;
      expect((await request(t.http).delete(url).auth(tenant.tokens.clinic_doctor, { type: 'bearer' })).status).toBe(
        403,
      );
      expect((await request(t.http).delete(url).auth(other.tokens.admin, { type: 'bearer' })).status).toBe(404);
      expect(
        (await request(t.http).delete('/api/modalities/nope').auth(tenant.tokens.admin, { type: 'bearer' })).status,
      ).toBe(400);
      expect((await request(t.http).delete(url).auth(tenant.tokens.admin, { type: 'bearer' })).status).toBe(204);
      expect(await t.sql('SELECT 1 FROM dicom_modalities WHERE id = $1', [modality.id])).toEqual([]);
      expect((await request(t.http).delete(url).auth(tenant.tokens.admin, { type: 'bearer' })).status).toBe(404);
    });
  });
});
