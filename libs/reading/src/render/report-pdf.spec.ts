import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { renderReportPdf } from './report-pdf.js';
import { sampleAddendum, sampleReport } from './sample-report.fixture.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** Every `N 0 obj … endobj` with its dictionary and its (inflated) stream: enough for pdfkit's output. */
function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  for (const match of text.matchAll(/(\d+) 0 obj\n/g)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endobj', start);
    const streamAt = text.indexOf('stream\n', start);
    if (streamAt < 0 || streamAt > end) {
      objects.set(Number(match[1]), { dict: text.slice(start, end), stream: null });
      continue;
    }
    const dict = text.slice(start, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const raw = pdf.subarray(streamAt + 7, streamAt + 7 + length);
    objects.set(Number(match[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
  }
  return objects;
}

// A glyph may stand for several characters (the 'ff' ligature is <0066 0066>), hence the spaces.
const utf16be = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').swap16().toString('utf16le');

/** A ToUnicode CMap's glyph code → text, from its bfrange (array or incrementing) and bfchar entries. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const bfrange = /<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(\[[^\]]*\]|<[0-9a-f]+>)/gi;
  for (const [, from, to, target] of cmap.matchAll(bfrange)) {
    const first = parseInt(from, 16);
    if (target.startsWith('[')) {
      [...target.matchAll(/<([0-9a-f\s]+)>/gi)].forEach(([, hex], i) => map.set(first + i, utf16be(hex)));
    } else {
      const base = parseInt(target.slice(1, -1), 16);
      for (let code = first; code <= parseInt(to, 16); code++) map.set(code, String.fromCodePoint(base + code - first));
    }
  }
  const bfchar = /beginbfchar([\s\S]*?)endbfchar/g;
  for (const [, body] of cmap.matchAll(bfchar)) {
    for (const [, code, hex] of body.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f\s]+)>/gi))
      map.set(parseInt(code, 16), utf16be(hex));
  }
  return map;
}

/** The text shown in each BT … ET of a content stream: Tf picks the font, TJ / Tj show two-byte glyph codes. */
function textObjects(content: string, cmaps: Map<string, Map<number, string>>): string[] {
  const lines: string[] = [];
  let font = new Map<number, string>();
  let line = '';
  for (const [op, name, shown] of content.matchAll(/\/(F\d+) [\d.]+ Tf|(\[[^\]]*\] TJ|<[0-9a-f]*> Tj)|\bET\b/gi)) {
    if (name) {
      font = cmaps.get(name) ?? new Map();
    } else if (shown) {
      const hex = [...shown.matchAll(/<([0-9a-f]*)>/gi)].map((m) => m[1]).join('');
      for (const code of hex.match(/.{4}/g) ?? []) line += font.get(parseInt(code, 16)) ?? '\uFFFD';
    } else if (op === 'ET') {
      lines.push(line);
      line = '';
    }
  }
  return lines;
}

/**
 * The text a reader would copy out of the PDF, one line per text object, decoded the way a viewer does it: through
 * each embedded font's ToUnicode CMap. (pdfkit writes Identity-H fonts, two bytes a glyph.)
 */
function extractText(pdf: Buffer): string {
  const objects = pdfObjects(pdf);
  const cmaps = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    for (const [, name, ref] of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(Number(ref))?.dict ?? '')?.[1];
      const cmap = toUnicode && objects.get(Number(toUnicode))?.stream;
      if (cmap) cmaps.set(name, parseToUnicode(cmap.toString('latin1')));
    }
  }
  const lines: string[] = [];
  for (const { dict, stream } of objects.values()) {
    const content = stream?.toString('latin1') ?? '';
    if (dict.includes('/Subtype') || !/\bBT\b/.test(content)) continue;
    lines.push(...textObjects(content, cmaps));
  }
  return lines.join('\n');
}

const squash = (s: string) => s.replace(/\s+/g, '');
const PDFTOTEXT = '/usr/bin/pdftotext';

describe('renderReportPdf', () => {
  it('renders an A4 PDF whose text, read through the embedded CJK font, is the Chinese report', async () => {
    const report = sampleReport();
    const pdf = await collect(renderReportPdf(report));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');

    const text = squash(extractText(pdf));
    for (const label of ['检查报告单', '患者', '性别', '出生日期', '检查项目', '检查所见', '诊断意见']) {
      expect(text).toContain(label);
    }
    for (const label of ['报告医师', '审核医师', '签发时间', '报告校验码']) expect(text).toContain(label);
    expect(text).toContain('青山市人民医院');
    expect(text).toContain('患者：王堃喆');
    expect(text).toContain('性别：男');
    expect(text).toContain(squash(report.findings));
    expect(text).toContain(squash(report.impression));
    expect(text).toContain(`报告校验码：${report.contentHash}`);
    expect(text).toContain('互认标识：青山市医共体HR（互认有效期至2027-02-18）');
    expect(text).toContain('签发时间：2026-03-0111:05'); // 03:05Z in China Standard Time
    // Glyph 0 is .notdef, the tofu box: its ToUnicode entry is U+0000. None may be drawn.
    expect(text).not.toMatch(/[\u0000\uFFFD]/);
    expect(text).not.toContain('更正补充');
  });

  it('would show a character missing from the font as .notdef (what the tofu check above relies on)', async () => {
    // U+20BB7 (CJK Extension B) is outside the font's GB 18030 repertoire: a known limit for very rare names.
    const patient = { ...sampleReport().patient, name: '吉\u{20BB7}' };
    const text = squash(extractText(await collect(renderReportPdf(sampleReport({ patient })))));
    expect(text).toContain('患者：吉\u0000');
  });

  it('embeds the CJK font as a subset with a ToUnicode map, so it renders and copies without system fonts', async () => {
    const objects = pdfObjects(await collect(renderReportPdf(sampleReport())));
    const dicts = [...objects.values()].map((o) => o.dict);
    const fonts = dicts.filter((d) => d.includes('/Subtype /Type0'));
    expect(fonts).toHaveLength(2);
    for (const font of fonts) {
      expect(font).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-(Regular|Bold)/);
      expect(font).toContain('/ToUnicode');
    }
    expect(dicts.filter((d) => d.includes('/FontFile3'))).toHaveLength(2);
    // No unembedded standard font (Helvetica has no Chinese glyphs: it would print tofu).
    expect(dicts.some((d) => d.includes('/Subtype /Type1'))).toBe(false);
  });

  it('prints addenda under 更正补充 with their doctor and hash', async () => {
    const addendum = sampleAddendum();
    const text = squash(extractText(await collect(renderReportPdf(sampleReport({ addenda: [addendum] })))));
    expect(text).toContain('更正补充');
    expect(text).toContain('第1次更正补充');
    expect(text).toContain(squash(addendum.text));
    expect(text).toContain(`校验码：${addendum.contentHash}`);
  });

  it('marks an unsigned report as not signed on every page', async () => {
    const draft = sampleReport({
      status: 'draft',
      signedBy: null,
      signedAt: null,
      contentHash: null,
      hashVerified: null,
    });
    const text = squash(extractText(await collect(renderReportPdf(draft))));
    expect(text).toContain('未签发报告');
    expect(text).toContain('报告校验码：未签发');
    expect(text).toContain('未签发·预览');
  });

  it('warns when the stored content no longer matches the signed hash', async () => {
    const text = squash(extractText(await collect(renderReportPdf(sampleReport({ hashVerified: false })))));
    expect(text).toContain('报告内容与签发时的校验码不一致');
  });

  it('prints structured values with the template labels and units', async () => {
    const fields = [{ key: 'nodule_size_mm', label: '结节大小', type: 'number' as const, unit: 'mm' }];
    const text = squash(extractText(await collect(renderReportPdf(sampleReport(), { fields }))));
    expect(text).toContain('结节大小：12mm');
    expect(text).toContain('lung_rads：4B');
    expect(text).toContain('pleural_effusion：否');
  });

  it('flows a long report onto numbered pages', async () => {
    const long = Array.from({ length: 12 }, () => sampleReport().findings).join('\n');
    const pdf = await collect(renderReportPdf(sampleReport({ findings: long })));
    const pages = Number(/\/Type \/Pages\n\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
    expect(pages).toBeGreaterThan(1);
    const text = squash(extractText(pdf));
    expect(text).toContain(`第1页/共${pages}页`);
    expect(text).toContain(`第${pages}页/共${pages}页`);
    expect(text).toContain('（续）');
    expect(text).toContain('诊断意见');
  });

  (existsSync(PDFTOTEXT) ? it : it.skip)('reads the same Chinese with poppler pdftotext', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'report-pdf-'));
    try {
      const file = path.join(dir, 'report.pdf');
      writeFileSync(file, await collect(renderReportPdf(sampleReport({ addenda: [sampleAddendum()] }))));
      const text = squash(execFileSync(PDFTOTEXT, ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
      for (const label of ['医学影像检查报告单', '患者：王堃喆', '检查所见', '诊断意见', '更正补充', '报告校验码']) {
        expect(text).toContain(label);
      }
      expect(text).toContain(squash(sampleReport().impression));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
