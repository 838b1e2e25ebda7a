import { describe, expect, it } from '@jest/globals';
import { FailureReason } from '@hub/studies';
import { storeStatus } from './store-status.js';

describe('storeStatus', () => {
  it('is success for a stored instance (a repeat of stored bytes included)', () => {
    expect(storeStatus({ ok: true, parsed: {} as never, size: 132 })).toEqual({ status: 0 });
  });

  it('passes the failure reason through as the status, with a comment of at most 64 characters', () => {
    const long = 'The instance has no SOPInstanceUID (0008,0018), which every DICOM object must carry';
    const status = storeStatus({ ok: false, reason: FailureReason.DataSetDoesNotMatchSopClass, message: long });
    expect(status.status).toBe(0xa900);
    expect(status.errorComment!.length).toBeLessThanOrEqual(64);
    expect(status.errorComment!.startsWith('The instance has no SOPInstanceUID')).toBe(true);
  });

  it('keeps backslashes and line breaks out of the comment (they would split or break the LO value)', () => {
    const status = storeStatus({ ok: false, reason: FailureReason.CannotUnderstand, message: 'a\\b\nc' });
    expect(status).toEqual({ status: 0xc000, errorComment: 'a b c' });
  });
});
