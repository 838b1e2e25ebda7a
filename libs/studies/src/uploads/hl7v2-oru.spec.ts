import { describe, expect, it } from '@jest/globals';
import { parseHl7DateTime, parseOruR01 } from './hl7v2-oru.js';

const message = (...segments: string[]) => Buffer.from(segments.join('\r'), 'utf8');

const MSH = 'MSH|^~\\&|LIS|TS01|HUB|LEAD|20261120093000||ORU^R01^ORU_R01|MSG0001|P|2.5|||||CHN|UNICODE UTF-8';

describe('parseOruR01', () => {
  it('reads the values of a lab message with LOINC codes, units, ranges, flags and times', () => {
    const parsed = parseOruR01(
      message(
        MSH,
        'PID|1||TS-000123^^^TS01^MR||王^小明||19600517|M',
        'OBR|1|ORD1|LAB1|BMP^基础代谢^L|||20261120083000',
        'OBX|1|NM|2345-7^Glucose^LN^GLU^血糖^L||6.8|mmol/L|3.9-6.1|H|||F|||20261120085000',
        'OBX|2|NM|GLU2^空腹血糖^L^2339-0^Glucose^LN||5.2|mmol/L^^UCUM|3.9-6.1|N|||F',
        'OBX|3|ST|HBSAG^乙肝表面抗原^L||阴性||阴性||||F',
        'OBX|4|ST|NOTE^备注^L||A\\F\\B \\T\\ C\\.br\\D||||||F',
        'OBX|5|NM|NA^钠^L||140|mmol/L|137-147||||D',
        'OBX|6|NM|CL^氯^L||||||||F',
      ),
    );
    expect(parsed.patientLocalId).toBe('TS-000123');
    expect(parsed.results).toHaveLength(4);
    expect(parsed.results[0]).toEqual({
      itemCode: '2345-7',
      itemName: 'Glucose',
      loinc: '2345-7',
      value: '6.8',
      unit: 'mmol/L',
      referenceRange: '3.9-6.1',
      abnormalFlag: 'H',
      observedAt: new Date('2026-11-20T08:50:00+08:00'),
    });
    expect(parsed.results[1]).toMatchObject({
      itemCode: 'GLU2',
      itemName: '空腹血糖',
      loinc: '2339-0',
      abnormalFlag: 'N',
    });
    // No OBX-14: the OBR observation time applies.
    expect(parsed.results[1]!.observedAt).toEqual(new Date('2026-11-20T08:30:00+08:00'));
    expect(parsed.results[2]).toMatchObject({ itemName: '乙肝表面抗原', value: '阴性', unit: null, loinc: null });
    expect(parsed.results[3]!.value).toBe('A|B & C\nD');
  });

  it('decodes GB 18030 messages as MSH-18 declares', () => {
    const head = Buffer.from(`${MSH.replace('UNICODE UTF-8', 'GB 18030-2000')}\rPID|1||P1\rOBX|1|ST|X^`, 'latin1');
    const name = Buffer.from([0xcd, 0xf5, 0xd0, 0xa1, 0xb6, 0xab]); // 王小东
    const tail = Buffer.from('^L||1||||||F', 'latin1');
    expect(parseOruR01(Buffer.concat([head, name, tail])).results[0]!.itemName).toBe('王小东');
  });

  it.each([
    ['no MSH', message('PID|1||P1'), /start with an MSH/],
    ['another message type', message(MSH.replace('ORU^R01', 'ADT^A01'), 'PID|1||P1'), /ADT\^A01.*ORU\^R01/],
    ['no results', message(MSH, 'PID|1||P1'), /no OBX/],
    ['an OBX without identifier', message(MSH, 'OBX|1|NM|||5'), /OBX-3/],
    ['an unknown character set', message(MSH.replace('UNICODE UTF-8', 'KOI8-R'), 'OBX|1|NM|A||1'), /KOI8-R/],
    [
      'bytes that are not UTF-8',
      Buffer.concat([message(MSH, 'OBX|1|ST|A||'), Buffer.from([0xff, 0xfe])]),
      /character set/,
    ],
  ])('refuses %s with a reason', (_label, bytes, reason) => {
    expect(() => parseOruR01(bytes)).toThrow(reason);
  });
});

describe('parseHl7DateTime', () => {
  it('reads every precision, with China Standard Time when no zone is given', () => {
    expect(parseHl7DateTime('2026')).toEqual(new Date('2026-01-01T00:00:00+08:00'));
    expect(parseHl7DateTime('202611201530')).toEqual(new Date('2026-11-20T15:30:00+08:00'));
    expect(parseHl7DateTime('20261120153045.123+0000')).toEqual(new Date('2026-11-20T15:30:45Z'));
    expect(parseHl7DateTime('2026-11-20')).toBeNull();
    expect(parseHl7DateTime('')).toBeNull();
  });
});
