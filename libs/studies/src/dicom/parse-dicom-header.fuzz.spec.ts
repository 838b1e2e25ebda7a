import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DICOM_FIXTURES } from '../../../../test/fixtures/dicom-fixtures.js';
import { dicomMutations, fuzzSeed, mutate } from '../../../../test/fixtures/dicom-mutations.js';
import { recordFigure } from '../../../../test/support/reliability.js';
import { RssPeak } from '../../../../test/support/rss-peak.js';
import { parseDicomHeader } from './parse-dicom-header.js';
import { DicomRejection, FailureReason } from './parsed-instance.js';

const REASONS = new Set<number>(Object.values(FailureReason));
const files = DICOM_FIXTURES.map((f) => ({ name: f.file, bytes: readFileSync(f.path) }));

describe('parseDicomHeader under fuzzing (mutated real files)', () => {
  it('ends every one of 10,000 cases in a parsed instance or a DicomRejection with a reason code and words', async () => {
    const outcomes = { parsed: 0, rejected: 0 };
    // Declared lengths up to 4 GiB must not become allocations: the loop is synchronous, so each case samples.
    const memory = new RssPeak();
    fc.assert(
      fc.property(fc.constantFrom(...files), dicomMutations, (file, mutations) => {
        memory.sample();
        const bytes = mutate(file.bytes, mutations);
        try {
          const parsed = parseDicomHeader(bytes, { totalSize: bytes.length });
          expect(parsed.sopInstanceUid).toMatch(/^[0-9.]+$/);
          expect(parsed.studyInstanceUid).toMatch(/^[0-9.]+$/);
          outcomes.parsed++;
        } catch (err) {
          // Anything but a rejection (a RangeError from a bad offset, a TypeError) would be a 500 on the wire.
          if (!(err instanceof DicomRejection)) throw err;
          expect(REASONS.has(err.reason)).toBe(true);
          expect(err.message.length).toBeGreaterThan(10);
          outcomes.rejected++;
        }
      }),
      { numRuns: 10_000, ...fuzzSeed() },
    );
    const { peakMb, growthMb } = memory.stop();
    expect(growthMb).toBeLessThan(200);
    // Both kinds happen: the mutations neither always break the file nor never do.
    expect(outcomes.parsed).toBeGreaterThan(500);
    expect(outcomes.rejected).toBeGreaterThan(500);
    await recordFigure(
      `${outcomes.parsed + outcomes.rejected} mutated files (seed ${fuzzSeed().seed ?? 'random'}): ` +
        `${outcomes.parsed} parsed, ${outcomes.rejected} rejected with a reason, 0 crashes; ` +
        `peak RSS ${peakMb} MiB, ${growthMb} MiB over the start`,
    );
  });
});
