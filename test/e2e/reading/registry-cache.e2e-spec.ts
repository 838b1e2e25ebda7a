import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../support/eventually.js';
import { postAs } from '../../support/http.js';
import { addUser } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** How long a change made by another process may take to reach the hub (a notification normally takes ms). */
const NOTIFIED_WITHIN_MS = 3_000;

/**
 * A claim checks the centre and the reader's privileges, which the hub keeps in memory (REGISTRY_CACHE_SECONDS) and
 * drops when the database notifies a change. The changes are made with SQL, as an administrator or another replica.
 */
describe('Reading: the centre-and-privileges cache follows changes made anywhere', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ REGISTRY_CACHE_SECONDS: '60' });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const newReader = () => addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] });
  const claimStatus = async (token: string) =>
    (await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, token, {})).status;
  /** Polls until a claim is refused (403) or allowed (anything else the claim answers: 200, 204). */
  const claimSoon = (token: string, refused: boolean) =>
    eventually(
      refused ? 'the claim to be refused' : 'the claim to be allowed',
      async () => (((await claimStatus(token)) === 403) === refused ? true : undefined),
      NOTIFIED_WITHIN_MS,
      20,
    );

  it('serves the centre and privileges from memory once read: a change the triggers do not announce goes unseen', async () => {
    const reader = await newReader();
    expect(await claimStatus(reader.token)).not.toBe(403);
    await t.sql('ALTER TABLE reading_privileges DISABLE TRIGGER reading_privileges_registry_change');
    try {
      await t.sql('DELETE FROM reading_privileges WHERE user_id = $1', [reader.id]);
      expect(await claimStatus(reader.token)).not.toBe(403);
    } finally {
      await t.sql('ALTER TABLE reading_privileges ENABLE TRIGGER reading_privileges_registry_change');
    }
    // Any announced change of the reader's privileges drops the kept entry: the deletion then shows.
    await t.sql(`INSERT INTO reading_privileges (user_id, discipline, can_sign) VALUES ($1, 'lab', false)`, [
      reader.id,
    ]);
    await claimSoon(reader.token, true);
  });

  it('applies a privilege taken away and given back by another process', async () => {
    const reader = await newReader();
    expect(await claimStatus(reader.token)).not.toBe(403);
    await t.sql('DELETE FROM reading_privileges WHERE user_id = $1', [reader.id]);
    await claimSoon(reader.token, true);
    await t.sql(`INSERT INTO reading_privileges (user_id, discipline, can_sign) VALUES ($1, 'ecg', false)`, [
      reader.id,
    ]);
    await claimSoon(reader.token, false);
  });

  it('applies a centre moved to another host institution', async () => {
    const reader = await newReader();
    expect(await claimStatus(reader.token)).not.toBe(403);
    const [centre] = await t.sql<{ host: string }>('SELECT host_institution_id AS host FROM centres WHERE id = $1', [
      a.centreIds.ecg,
    ]);
    try {
      await t.sql('UPDATE centres SET host_institution_id = $2 WHERE id = $1', [a.centreIds.ecg, a.clinicIds[0]]);
      await claimSoon(reader.token, true);
    } finally {
      await t.sql('UPDATE centres SET host_institution_id = $2 WHERE id = $1', [a.centreIds.ecg, centre!.host]);
    }
    await claimSoon(reader.token, false);
  });
});
