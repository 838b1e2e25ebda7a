import type { ChainVerification } from '@hub/audit';
import type { ScrubReport } from '@hub/studies';

/** The scrub's findings for a person (and a log): one line per problem, then the verdict. */
export function formatScrubReport(objects: ScrubReport, audit: ChainVerification): { text: string; clean: boolean } {
  const lines = [`objects checked: ${objects.objects} (${objects.bytes} bytes), problems: ${objects.problems.length}`];
  for (const p of objects.problems) {
    lines.push(
      p.kind === 'missing'
        ? `  MISSING  ${p.objectKey} (expected ${p.expectedSize} bytes)`
        : `  ALTERED  ${p.objectKey} (now ${p.actualSize} bytes, sha256 ${p.actualSha256})`,
    );
  }
  lines.push(
    audit.valid
      ? `audit chain: valid, ${audit.checked} links checked`
      : `audit chain: BROKEN at event ${audit.brokenAt}: ${audit.reason}`,
  );
  const clean = objects.problems.length === 0 && audit.valid;
  lines.push(clean ? 'scrub: clean' : 'scrub: PROBLEMS FOUND (restore the affected objects or rows from backup)');
  return { text: `${lines.join('\n')}\n`, clean };
}
