import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DICOM_FIXTURES, dicomFixture } from '../../../../test/fixtures/dicom-fixtures.js';
import { minimalDataset, UIDS, writePart10 } from '../../../../test/fixtures/dicom-writer.js';
import { parseDicomHeader } from './parse-dicom-header.js';
import type { DicomJsonDataset } from './parsed-instance.js';

const read = (file: string) => readFileSync(dicomFixture(file).path);
const parseFile = (file: string) => {
  const bytes = read(file);
  return parseDicomHeader(bytes, { totalSize: bytes.length });
};

interface DicomParserElement {
  tag: string;
}
interface DicomParserModule {
  parseDicom(bytes: Uint8Array, opts: object): { elements: Record<string, DicomParserElement> };
}
const dicomParser = (await import('dicom-parser')).default as unknown as DicomParserModule;

describe('parseDicomHeader on real files', () => {
  it.each(DICOM_FIXTURES.map((f) => [f.file, f] as const))('%s', (_file, fixture) => {
    const bytes = readFileSync(fixture.path);
    expect(bytes.length).toBe(fixture.size);
    const parsed = parseDicomHeader(bytes, { totalSize: bytes.length });
    expect(parsed).toMatchObject({
      sopClassUid: fixture.sopClassUid,
      sopInstanceUid: fixture.sopInstanceUid,
      studyInstanceUid: fixture.studyInstanceUid,
      seriesInstanceUid: fixture.seriesInstanceUid,
      transferSyntaxUid: fixture.transferSyntaxUid,
      discipline: fixture.discipline,
      series: { modality: fixture.modality },
      instance: { numberOfFrames: fixture.frames },
      patient: { name: fixture.patientName },
    });
    expect(JSON.stringify(parsed.metadata)).not.toMatch(/"InlineBinary":"[^"]{1400,}/);
  });

  // dicom-parser 1.8 restarts a deflated file at byte 0 after inflating it, and lists the preamble and 'DICM' as
  // elements: no reference for deflated.dcm.
  const notDeflated = DICOM_FIXTURES.filter((f) => f.file !== 'deflated.dcm');
  it.each(notDeflated.map((f) => [f.file] as const))('%s: same top-level elements as dicom-parser', (file) => {
    const reference = dicomParser.parseDicom(read(file), { untilTag: 'x7fe00010' });
    const expected = Object.keys(reference.elements)
      .map((tag) => tag.slice(1).toUpperCase())
      .filter((tag) => !tag.startsWith('0002') && !tag.endsWith('0000'));
    expect(Object.keys(parseFile(file).metadata).sort()).toEqual(expected.sort());
  });

  it('decodes the GB18030 name to the exact characters pydicom expects', () => {
    const parsed = parseFile('patient-name-gb18030.dcm');
    expect(parsed.patient.name).toBe('Wang^XiaoDong=王^小东');
    expect(parsed.specificCharacterSet).toBe('GB18030');
    expect(parsed.metadata['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }],
    });
  });

  it('decodes UTF-8, ISO 2022 Japanese and Korean names', () => {
    expect(parseFile('patient-name-utf8.dcm').metadata['00100010'].Value).toEqual([
      { Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' },
    ]);
    expect(parseFile('patient-name-iso2022-japanese.dcm').metadata['00100010'].Value).toEqual([
      { Alphabetic: 'ﾔﾏﾀﾞ^ﾀﾛｳ', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' },
    ]);
    expect(parseFile('patient-name-iso2022-korean.dcm').patient.name).toBe('Hong^Gildong=洪^吉洞=홍^길동');
  });

  it('drops NUL characters inside text values, which PostgreSQL cannot store (found by the STOW-RS fuzzer)', () => {
    const bytes = writePart10(
      minimalDataset({
        extra: [{ tag: 0x00081030, vr: 'LO', value: 'CHEST\0CT' }],
        override: { 0x00100010: 'Wang^Xiao\0ming' },
      }),
    );
    const parsed = parseDicomHeader(bytes, { totalSize: bytes.length });
    expect(parsed.metadata['00081030']?.Value).toEqual(['CHESTCT']);
    expect(parsed.patient.name).toBe('Wang^Xiaoming');
    expect(JSON.stringify(parsed.metadata)).not.toContain('\\u0000');
  });

  it('splits multi-valued LO and PN values (ISO_IR 100)', () => {
    const { metadata } = parseFile('patient-name-latin1-multivalued.dcm');
    expect(metadata['00101000']).toEqual({ vr: 'LO', Value: ['eggs', 'spam'] });
    expect(metadata['00101001'].Value).toEqual([{ Alphabetic: 'Buc^Jérôme' }, { Alphabetic: 'Buc^Jérôme' }]);
  });

  it('fills patient, study, series and instance fields of the ECG', () => {
    const parsed = parseFile('ecg-12lead.dcm');
    expect(parsed.patient).toEqual({
      id: '642341',
      issuer: null,
      name: 'Anonymous',
      sex: 'F',
      birthDate: '1971-01-23',
    });
    expect(parsed.study).toEqual({
      date: '2013-01-25',
      time: '105919',
      accessionNumber: '03028041970546',
      description: 'ECG',
      studyId: '1',
      referringPhysicianName: '2721',
    });
    expect(parsed.instance).toEqual({ number: 1, numberOfFrames: null, rows: null, columns: null });
  });

  it('leaves waveform samples out of the ECG metadata, listing the attribute without a value', () => {
    const { metadata } = parseFile('ecg-12lead.dcm');
    const waveforms = metadata['54000100'].Value as DicomJsonDataset[];
    expect(waveforms).toHaveLength(2);
    expect(waveforms[0]['54001010']).toEqual({ vr: 'OW' });
    expect(waveforms[0]['003A0005']).toEqual({ vr: 'US', Value: [12] });
    expect(waveforms[0]['003A001A']).toEqual({ vr: 'DS', Value: [1000] });
  });

  it('reads the 2-frame RLE secondary capture', () => {
    const parsed = parseFile('sc-multiframe-rle.dcm');
    expect(parsed.instance).toEqual({ number: 1, numberOfFrames: 2, rows: 100, columns: 100 });
    expect(parsed.series).toMatchObject({ modality: 'OT', number: 1 });
    expect(parsed.study.date).toBe('2017-01-01');
    expect(parsed.patient).toMatchObject({ id: 'ID1', name: 'Lestrade^G' });
    expect(parsed.metadata['7FE00010']).toEqual({ vr: 'OB' });
  });

  it('gives the same metadata for explicit little endian, big endian and implicit VR encodings', () => {
    const explicit = parseFile('mr-small.dcm').metadata;
    expect(parseFile('mr-small-big-endian.dcm').metadata).toEqual(explicit);
    const implicit = parseFile('mr-small-implicit-vr.dcm').metadata;
    expect(Object.keys(implicit).sort()).toEqual(Object.keys(explicit).sort());
    for (const tag of ['00100010', '00280010', '00280030', '00200032', '00180050']) {
      expect(implicit[tag]).toEqual(explicit[tag]);
    }
  });

  it('reads the deflated data set, numbers as numbers', () => {
    const parsed = parseFile('deflated.dcm');
    expect(parsed.instance.rows).toBe(512);
    expect(parsed.metadata['00280010']).toEqual({ vr: 'US', Value: [512] });
    expect(parsed.patient.name).toBeNull();
  });

  it('normalizes sex and birth date, and keeps invalid dates out', () => {
    const parse = (sex: string, birth: string) => {
      const extra = [
        { tag: 0x00100030, vr: 'DA', value: birth },
        { tag: 0x00100040, vr: 'CS', value: sex },
      ];
      const bytes = writePart10(minimalDataset({ extra }));
      return parseDicomHeader(bytes, { totalSize: bytes.length }).patient;
    };
    expect(parse('f', '19800229')).toMatchObject({ sex: 'F', birthDate: '1980-02-29' });
    expect(parse('X', '19810229')).toMatchObject({ sex: null, birthDate: null });
    expect(parse('O', '1981-13-01')).toMatchObject({ sex: 'O', birthDate: null });
  });

  it('decodes a GBK value whose second byte is a backslash without splitting it', () => {
    // 0x81 0x5C is one GBK character: splitting bytes on 0x5C would cut it in two.
    const lo = Buffer.concat([Buffer.from('A\\'), Buffer.from([0x81, 0x5c]), Buffer.from('B ')]);
    const extra = [
      { tag: 0x00080005, vr: 'CS', value: 'GBK' },
      { tag: 0x00101000, vr: 'LO', value: lo },
    ];
    const bytes = writePart10(minimalDataset({ extra }));
    const values = parseDicomHeader(bytes, { totalSize: bytes.length }).metadata['00101000'].Value;
    expect(values).toEqual(['A', `${new TextDecoder('gbk').decode(Uint8Array.from([0x81, 0x5c]))}B`]);
    expect(values?.[1]).not.toContain('\\');
  });

  it('uses the character set a sequence item declares for that item', () => {
    const item = [
      { tag: 0x00080005, vr: 'CS', value: 'GB18030' },
      { tag: 0x00100010, vr: 'PN', value: Buffer.from([0xcd, 0xf5, 0x5e, 0xd0, 0xa1, 0xb6, 0xab]) },
    ];
    const extra = [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
      { tag: 0x00081120, vr: 'SQ', items: [item] },
    ];
    const bytes = writePart10(minimalDataset({ extra }));
    const seq = parseDicomHeader(bytes, { totalSize: bytes.length }).metadata['00081120'].Value as DicomJsonDataset[];
    expect(seq[0]['00100010'].Value).toEqual([{ Alphabetic: '王^小东' }]);
  });

  it('accepts a file whose header ends within the prefix it is given', () => {
    const bytes = read('ct-small.dcm');
    const parsed = parseDicomHeader(bytes.subarray(0, 8192), { totalSize: bytes.length, maxHeaderBytes: 8192 });
    expect(parsed.sopInstanceUid).toBe(dicomFixture('ct-small.dcm').sopInstanceUid);
  });

  it('takes a minimal crafted file', () => {
    const bytes = writePart10(minimalDataset());
    expect(parseDicomHeader(bytes, { totalSize: bytes.length })).toMatchObject({
      sopInstanceUid: UIDS.sopInstance,
      discipline: 'imaging',
      patient: { name: 'Test^Patient' },
    });
  });
});
