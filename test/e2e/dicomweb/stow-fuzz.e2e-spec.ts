import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { DICOM_FIXTURES } from '../../fixtures/dicom-fixtures.js';
import { dicomMutations, fuzzSeed, mutate } from '../../fixtures/dicom-mutations.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { recordFigure } from '../../support/reliability.js';
import { RssPeak } from '../../support/rss-peak.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

type Sequence = { Value?: unknown[] } | undefined;

/** Far below what buffering one declared length would take (up to 4 GiB), far above what the test itself holds. */
const MAX_RSS_GROWTH_MB = 300;

describe('STOW-RS under fuzzing: mutated real files through the whole ingest path', () => {
  let t: TestApp;
  let a: Tenant;
  let files: Buffer[];

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    files = await Promise.all(DICOM_FIXTURES.map((f) => readFile(f.path)));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers every request with a DICOM result per part, stores what it accepts and leaves nothing else', async () => {
    const statuses = new Map<number, number>();
    const outcomes = { stored: 0, refused: 0 };
    // The hub runs in this process: its memory must not follow the lengths the mutated headers declare (up to 4 GiB).
    const memory = new RssPeak();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: files.length - 1 }), dicomMutations), {
          minLength: 1,
          maxLength: 3,
        }),
        async (parts) => {
          const bodies = parts.map(([i, mutations]) => ({ body: mutate(files[i]!, mutations) }));
          const res = await request(t.http)
            .post('/dicomweb/studies')
            .set('Content-Type', stowContentType('fuzz'))
            .auth(a.tokens.clinic_technician, { type: 'bearer' })
            .send(multipartRelated(bodies, 'fuzz'));
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect([200, 202, 409]).toContain(res.status);
          const referenced = (res.body['00081199'] as Sequence)?.Value?.length ?? 0;
          const failed = (res.body['00081198'] as Sequence)?.Value?.length ?? 0;
          expect(referenced + failed).toBe(parts.length);
          outcomes.stored += referenced;
          outcomes.refused += failed;
        },
      ),
      {
        numRuns: 250,
        ...fuzzSeed(),
        examples: [
          // Found by a CI run: a cut CR file whose description then held a NUL, which PostgreSQL refused (a 500).
          [
            [
              [
                DICOM_FIXTURES.findIndex((f) => f.file === 'cr-small.dcm'),
                [{ kind: 'length', at: 787165, value: 65534 }],
              ],
            ],
          ],
        ],
      },
    );
    const { peakMb, growthMb } = memory.stop();
    expect(growthMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    // Both outcomes happened, and the hub still serves.
    expect(statuses.get(409) ?? 0).toBeGreaterThan(0);
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThan(0);
    await request(t.http).get('/health/ready').expect(200);
    // Every stored object belongs to exactly one indexed instance; failures left no object and no temporary file.
    const counts = await storedCounts(t);
    expect(counts.instances).toBeGreaterThan(0);
    expect(counts.objects).toBe(counts.instances);
    expect(counts.tempFiles).toBe(0);
    const requests = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    const answered = [...statuses].map(([status, n]) => `${n} × ${status}`).join(', ');
    await recordFigure(
      `${requests} STOW requests of mutated files (seed ${fuzzSeed().seed ?? 'random'}): ${answered}; ` +
        `${outcomes.stored} parts accepted, ${outcomes.refused} refused with a reason; ` +
        `${counts.objects} objects = ${counts.instances} instances, ${counts.tempFiles} temporary files left; ` +
        `peak RSS of the test process (hub included) ${peakMb} MiB, ${growthMb} MiB over its start`,
    );
  }, 300_000);
});
