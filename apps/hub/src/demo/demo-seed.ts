import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FIRST_ADMIN_USERNAME, UserAccounts } from '@hub/auth';
import {
  CentresService,
  ConsortiaService,
  type Institution,
  InstitutionsService,
  RegistryUsersService,
} from '@hub/consortium';
import { type Actor, DISCIPLINES, type Discipline, type Role, requestContext } from '@hub/core';

const CODE = 'DEMO';

const CENTRES: Record<Discipline, string> = {
  imaging: '区域影像诊断中心',
  ecg: '区域心电诊断中心',
  lab: '区域检验中心',
  pathology: '区域病理诊断中心',
};

const USERS: { role: Role; username: string; name: string; at: 'lead' | 'clinic' }[] = [
  { role: 'clinic_technician', username: 'demo-technician', name: '李技师（乡镇卫生院）', at: 'clinic' },
  { role: 'clinic_doctor', username: 'demo-doctor', name: '王医生（乡镇卫生院）', at: 'clinic' },
  { role: 'reader', username: 'demo-reader', name: '张医师（影像中心）', at: 'lead' },
  { role: 'senior_reader', username: 'demo-senior', name: '陈主任（审核医师）', at: 'lead' },
  { role: 'specialist', username: 'demo-specialist', name: '刘专家（心内科）', at: 'lead' },
  { role: 'coordinator', username: 'demo-coordinator', name: '赵协调员', at: 'lead' },
  { role: 'admin', username: 'demo-admin', name: '医共体管理员', at: 'lead' },
  { role: 'auditor', username: 'demo-auditor', name: '审计员', at: 'lead' },
];

const newPassword = (): string => randomBytes(9).toString('base64url');

export interface DemoLogin {
  role: Role;
  username: string;
  password: string;
  institution: string;
}

async function seed(app: INestApplicationContext, actor: Actor): Promise<DemoLogin[]> {
  const consortium = await app.get(ConsortiaService).create(actor, { code: CODE, name: '示范县域医共体' });
  const institutions = app.get(InstitutionsService);
  const lead = await institutions.create(actor, {
    consortiumId: consortium.id,
    code: 'LEAD',
    name: '示范县人民医院',
    level: 'tertiary',
    gridArea: '示范县',
  });
  const clinics: Institution[] = [];
  for (const [i, town] of ['东湖镇', '西山镇', '南岭镇'].entries()) {
    clinics.push(
      await institutions.create(actor, {
        consortiumId: consortium.id,
        code: `TC-${i + 1}`,
        name: `${town}卫生院`,
        level: 'township',
        gridArea: `示范县${town}`,
      }),
    );
  }
  for (const discipline of DISCIPLINES) {
    await app.get(CentresService).create(actor, {
      consortiumId: consortium.id,
      name: CENTRES[discipline],
      discipline,
      hostInstitutionId: lead.id,
      servedInstitutionIds: clinics.map((c) => c.id),
    });
  }
  const logins: DemoLogin[] = [];
  for (const u of USERS) {
    const institution = u.at === 'lead' ? lead : clinics[0]!;
    const password = newPassword();
    const privileges =
      u.role === 'reader' || u.role === 'senior_reader'
        ? DISCIPLINES.map((discipline) => ({ discipline, canSign: u.role === 'senior_reader' }))
        : [];
    await app.get(RegistryUsersService).create(actor, {
      username: u.username,
      password,
      displayName: u.name,
      institutionId: institution.id,
      roles: [u.role],
      privileges,
    });
    logins.push({ role: u.role, username: u.username, password, institution: institution.name });
  }
  return logins;
}

async function resetPasswords(accounts: UserAccounts): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  for (const u of USERS) {
    const account = await accounts.findByUsername(u.username);
    if (!account) continue;
    const password = newPassword();
    await accounts.resetPassword(account.id, password);
    logins.push({
      role: u.role,
      username: u.username,
      password,
      institution: u.at === 'lead' ? '示范县人民医院' : '东湖镇卫生院',
    });
  }
  return logins;
}

/**
 * Seeds the demo consortium (示范县域医共体) as the platform administrator — a lead hospital, three township clinics,
 * the four shared centres and one user per role — or, when it exists, gives its users new passwords. Returns the logins.
 */
export async function seedDemo(app: INestApplicationContext): Promise<{ created: boolean; logins: DemoLogin[] }> {
  const accounts = app.get(UserAccounts);
  const platformAdmin = await accounts.findByUsername(FIRST_ADMIN_USERNAME);
  if (!platformAdmin) throw new Error('the platform administrator is missing');
  const actor: Actor = {
    userId: platformAdmin.id,
    username: platformAdmin.username,
    roles: ['admin'],
    institutionId: null,
    consortiumId: null,
    sessionId: 'demo-seed',
    mfa: true,
  };
  return requestContext.run({ requestId: 'demo-seed', sourceIp: null, actor }, async () => {
    const existing: { id: string }[] = await app
      .get(DataSource)
      .query('SELECT id FROM consortia WHERE code = $1', [CODE]);
    if (existing.length) return { created: false, logins: await resetPasswords(accounts) };
    return { created: true, logins: await seed(app, actor) };
  });
}
