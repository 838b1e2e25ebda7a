import request from 'supertest';
import type { Discipline, Role } from '@hub/core';
import { metadataFor, PDF } from '../fixtures/uploads.js';
import type { Tenant } from './tenant.js';
import { login, type TestApp } from './test-app.js';

let userSeq = 0;

/** One more user of the tenant (e.g. a second senior reader), logged in. */
export async function addUser(
  t: TestApp,
  tenant: Tenant,
  opts: { role: Role; institutionId?: string; privileges?: { discipline: Discipline; canSign: boolean }[] },
): Promise<{ id: string; token: string; username: string; password: string }> {
  const username = `${opts.role}.${tenant.code.toLowerCase()}.${++userSeq}`;
  const password = `pw-extra-${userSeq}-${tenant.code}`;
  const res = await request(t.http)
    .post('/api/users')
    .auth(tenant.platformAdminToken, { type: 'bearer' })
    .send({
      username,
      password,
      displayName: `${opts.role} ${userSeq}`,
      institutionId: opts.institutionId ?? tenant.leadHospitalId,
      roles: [opts.role],
      privileges: opts.privileges ?? [],
    });
  if (res.status !== 201) throw new Error(`POST /api/users failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, token: await login(t, username, password), username, password };
}

/** An ECG study (one PDF tracing) uploaded by the holder of `token`; resolves to its id. */
export async function uploadEcgStudy(t: TestApp, token: string, localId: string, patch: object = {}): Promise<string> {
  const res = await request(t.http)
    .post('/api/studies')
    .auth(token, { type: 'bearer' })
    .field('metadata', JSON.stringify(metadataFor('ecg', { localId, name: '李^心' }, patch)))
    .attach('files', PDF, { filename: 'ecg.pdf', contentType: 'application/pdf' });
  if (res.status !== 201) throw new Error(`POST /api/studies failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
