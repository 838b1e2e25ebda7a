import { readFile } from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import { dicomFixture } from '../fixtures/dicom-fixtures.js';

/**
 * A CT series of `count` slices made from the real ct-small.dcm (test/fixtures): each copy keeps the file's header and
 * pixels but gets its own SOP Instance UID (same length: the last digits are the slice number), Instance Number, and
 * its rows rolled down by 8 × its index, so that each slice shows a different image. All stay in ct-small's study and
 * series. Patched in place with dicom-parser's offsets, so every length and the transfer syntax stay as they were.
 * `studyDate` (YYYYMMDD) replaces the fixture's 2004 date, for a study still inside a recognition validity window.
 */
export async function ctSeriesFromFixture(
  count: number,
  opts: { studyDate?: string } = {},
): Promise<{ files: Buffer[]; sopInstanceUids: string[] }> {
  if (count < 1 || count > 99) throw new Error('ctSeriesFromFixture makes 1 to 99 slices');
  const original = await readFile(dicomFixture('ct-small.dcm').path);
  const ds = dicomParser.parseDicom(original);
  const at = (tag: string) => {
    const el = ds.elements[tag];
    if (!el) throw new Error(`ct-small.dcm has no ${tag}`);
    return el;
  };
  const sopUid = ds.string('x00080018') ?? '';
  const rows = ds.uint16('x00280010') ?? 0;
  const pixels = at('x7fe00010');
  const rowBytes = pixels.length / rows;
  if (opts.studyDate !== undefined && !/^\d{8}$/.test(opts.studyDate)) throw new Error('studyDate is YYYYMMDD');
  const files: Buffer[] = [];
  const sopInstanceUids: string[] = [];
  for (let k = 0; k < count; k++) {
    const file = Buffer.from(original);
    const uid = `${sopUid.slice(0, -2)}${String(k + 1).padStart(2, '0')}`;
    for (const tag of ['x00020003', 'x00080018']) file.write(uid, at(tag).dataOffset, 'latin1');
    const number = at('x00200013');
    file.write(String(k + 1).padEnd(number.length, ' '), number.dataOffset, 'latin1');
    if (opts.studyDate) file.write(opts.studyDate, at('x00080020').dataOffset, 'latin1');
    const shift = ((8 * k) % rows) * rowBytes;
    const src = original.subarray(pixels.dataOffset, pixels.dataOffset + pixels.length);
    Buffer.concat([src.subarray(src.length - shift), src.subarray(0, src.length - shift)]).copy(
      file,
      pixels.dataOffset,
    );
    files.push(file);
    sopInstanceUids.push(uid);
  }
  return { files, sopInstanceUids };
}
