import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { TemplateField } from '../domain/structured-fields.js';
import type { AddendumView, ReportView, StructuredValue } from '../report-view.js';
import { cjkFont } from './cjk-font.js';
import { REPORT_TITLES, examName, formatChinaTime, sexLabel } from './report-labels.js';

type Doc = PDFKit.PDFDocument;

export interface ReportPdfOptions {
  /** The exam template's fields, so structured values print with their labels and units instead of their keys. */
  fields?: readonly TemplateField[];
}

const MARGIN = { top: 50, bottom: 56, left: 50, right: 50 };
const FONT = { regular: 'cjk-regular', bold: 'cjk-bold' } as const;
const COLOR = { text: '#111111', label: '#555555', faint: '#888888', rule: '#444444', warn: '#b00020' };
const SIZE = { body: 10.5, label: 10, small: 8 };

/**
 * The report as a printable A4 PDF in Simplified Chinese. The stream is complete (`end()` already called): pipe it to
 * a response or a file. Fonts are embedded as subsets, so the PDF prints the same everywhere.
 */
export function renderReportPdf(report: ReportView, options: ReportPdfOptions = {}): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: `${REPORT_TITLES[report.discipline]} ${examName(report)}`,
      Author: report.signedBy?.displayName ?? report.author?.displayName ?? '',
      Subject: report.centre.institutionName,
      Creator: 'Consortium Diagnostic Hub',
    },
  });
  doc.registerFont(FONT.regular, cjkFont('regular'));
  doc.registerFont(FONT.bold, cjkFont('bold'));

  header(doc, report);
  patientBlock(doc, report);
  section(doc, '检查所见', report.findings);
  section(doc, '诊断意见', report.impression, FONT.bold);
  measurements(doc, report.structured, options.fields ?? []);
  addenda(doc, report.addenda);
  signOff(doc, report);
  decoratePages(doc, report);
  doc.end();
  return doc;
}

const contentWidth = (doc: Doc) => doc.page.width - MARGIN.left - MARGIN.right;

function style(doc: Doc, font: string, size: number, color: string): Doc {
  return doc.font(font).fontSize(size).fillColor(color);
}

function rule(doc: Doc, weight = 0.8): void {
  const y = doc.y + 4;
  doc
    .moveTo(MARGIN.left, y)
    .lineTo(doc.page.width - MARGIN.right, y)
    .lineWidth(weight)
    .strokeColor(COLOR.rule)
    .stroke();
  doc.x = MARGIN.left;
  doc.y = y + 8;
}

/** Starts a new page first if fewer than `height` points are left on this one. */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN.bottom) doc.addPage();
}

function header(doc: Doc, report: ReportView): void {
  const width = contentWidth(doc);
  const { centre } = report;
  style(doc, FONT.bold, 17, COLOR.text).text(centre.institutionName, MARGIN.left, MARGIN.top - 10, {
    width,
    align: 'center',
  });
  if (centre.name && !centre.institutionName.includes(centre.name)) {
    style(doc, FONT.regular, SIZE.label, COLOR.label).text(centre.name, { width, align: 'center' });
  }
  doc.moveDown(0.3);
  style(doc, FONT.bold, 15, COLOR.text).text(REPORT_TITLES[report.discipline], {
    width,
    align: 'center',
    characterSpacing: 3,
  });
  if (report.status !== 'signed') {
    style(doc, FONT.bold, SIZE.label, COLOR.warn).text('【未签发报告 · 仅供预览，不作为诊断依据】', {
      width,
      align: 'center',
    });
  }
  style(doc, FONT.regular, SIZE.small, COLOR.faint).text(`报告编号：${report.id}`, { width, align: 'right' });
  rule(doc, 1.2);
}

type Cell = [label: string, value: string];

/** One row of label：value cells side by side; a cell spans `span` columns of a three-column grid. */
function cellRow(doc: Doc, cells: Cell[], spans: number[] = cells.map(() => 1)): void {
  const column = contentWidth(doc) / 3;
  const gap = 8;
  style(doc, FONT.regular, SIZE.label, COLOR.text);
  const heights = cells.map(([label, value], i) =>
    doc.heightOfString(`${label}：${value || '—'}`, { width: spans[i] * column - gap }),
  );
  ensureSpace(doc, Math.max(...heights));
  const top = doc.y;
  let x = MARGIN.left;
  cells.forEach(([label, value], i) => {
    const width = spans[i] * column - gap;
    doc.fillColor(COLOR.label).text(`${label}：`, x, top, { width, continued: true });
    doc.fillColor(COLOR.text).text(value || '—');
    x += spans[i] * column;
  });
  doc.x = MARGIN.left;
  doc.y = top + Math.max(...heights) + 5;
}

function patientBlock(doc: Doc, report: ReportView): void {
  const { patient, study } = report;
  cellRow(doc, [
    ['患者', patient.name ?? ''],
    ['性别', sexLabel(patient.sex)],
    ['出生日期', patient.birthDate ?? ''],
  ]);
  cellRow(doc, [
    ['患者编号', patient.localId],
    ['检查号', study.accessionNumber ?? ''],
    ['检查时间', formatChinaTime(study.performedAt)],
  ]);
  cellRow(
    doc,
    [
      ['检查项目', examName(report)],
      ['检查类型', study.modalities.join(' / ')],
    ],
    [2, 1],
  );
  cellRow(doc, [['申请机构', report.requestingInstitution.name]], [3]);
  if (report.clinicalNotes) cellRow(doc, [['临床资料', report.clinicalNotes]], [3]);
  rule(doc);
}

function heading(doc: Doc, title: string): void {
  ensureSpace(doc, 48);
  doc.moveDown(0.2);
  style(doc, FONT.bold, 12, COLOR.text).text(title, MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.25);
}

function paragraph(doc: Doc, text: string, font: string = FONT.regular): void {
  style(doc, font, SIZE.body, COLOR.text).text(text.trim() || '（无）', MARGIN.left + 12, doc.y, {
    width: contentWidth(doc) - 12,
    lineGap: 4,
  });
  doc.x = MARGIN.left;
}

function section(doc: Doc, title: string, text: string, font: string = FONT.regular): void {
  heading(doc, title);
  paragraph(doc, text, font);
  doc.moveDown(0.6);
}

function formatValue(value: StructuredValue, unit?: string): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  return unit ? `${value} ${unit}` : String(value);
}

function measurements(doc: Doc, structured: Record<string, StructuredValue>, fields: readonly TemplateField[]): void {
  const entries = Object.entries(structured);
  if (entries.length === 0) return;
  const known = new Map(fields.map((f) => [f.key, f]));
  // Template order first (the order the centre chose), then anything the template does not know.
  const ordered = [
    ...fields.filter((f) => f.key in structured).map((f) => f.key),
    ...entries.map(([key]) => key).filter((key) => !known.has(key)),
  ];
  heading(doc, '测量与结构化数据');
  const cells: Cell[] = ordered.map((key) => {
    const field = known.get(key);
    return [field?.label ?? key, formatValue(structured[key], field?.unit)];
  });
  for (let i = 0; i < cells.length; i += 3) cellRow(doc, cells.slice(i, i + 3));
  doc.moveDown(0.4);
}

function addenda(doc: Doc, list: AddendumView[]): void {
  if (list.length === 0) return;
  heading(doc, '更正补充');
  for (const addendum of [...list].sort((a, b) => a.seq - b.seq)) {
    ensureSpace(doc, 40);
    style(doc, FONT.bold, SIZE.label, COLOR.text).text(
      `第 ${addendum.seq} 次更正补充　　签发医师：${addendum.signedBy.displayName}　　签发时间：${formatChinaTime(addendum.signedAt)}`,
      MARGIN.left + 12,
      doc.y,
      { width: contentWidth(doc) - 12 },
    );
    paragraph(doc, addendum.text);
    style(doc, FONT.regular, SIZE.small, COLOR.faint).text(`校验码：${addendum.contentHash}`, MARGIN.left + 12, doc.y, {
      width: contentWidth(doc) - 12,
    });
    doc.moveDown(0.5);
  }
}

function signOff(doc: Doc, report: ReportView): void {
  ensureSpace(doc, 70);
  rule(doc);
  cellRow(doc, [
    ['报告医师', report.author?.displayName ?? ''],
    ['审核医师', report.signedBy?.displayName ?? ''],
    ['签发时间', formatChinaTime(report.signedAt)],
  ]);
  for (const mark of report.marks) {
    const until = mark.validUntil ? `（互认有效期至 ${formatChinaTime(mark.validUntil).slice(0, 10)}）` : '';
    style(doc, FONT.bold, SIZE.label, COLOR.label).text(`互认标识：${mark.label}${until}`, MARGIN.left, doc.y, {
      width: contentWidth(doc),
    });
  }
  const hash = report.contentHash ?? '未签发';
  style(doc, FONT.regular, SIZE.small, COLOR.label).text(`报告校验码：${hash}`, MARGIN.left, doc.y, {
    width: contentWidth(doc),
  });
  if (report.hashVerified === false) {
    style(doc, FONT.bold, SIZE.label, COLOR.warn).text('警告：报告内容与签发时的校验码不一致，请勿使用本报告。', {
      width: contentWidth(doc),
    });
  }
}

/** Page furniture drawn once the content is laid out: continuation headers, footers with 第 x 页 / 共 y 页, watermark. */
function decoratePages(doc: Doc, report: ReportView): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Writing into the margins must not trigger pdfkit's automatic page break.
    doc.page.margins.bottom = 0;
    if (i > start) continuationHeader(doc, report);
    footer(doc, i - start + 1, count);
    if (report.status !== 'signed') watermark(doc);
    doc.page.margins.bottom = MARGIN.bottom;
  }
}

function continuationHeader(doc: Doc, report: ReportView): void {
  const text = `${report.centre.institutionName}　${REPORT_TITLES[report.discipline]}（续）　患者：${report.patient.name ?? ''}　报告编号：${report.id}`;
  style(doc, FONT.regular, SIZE.small, COLOR.faint).text(text, MARGIN.left, 24, {
    width: contentWidth(doc),
    lineBreak: false,
  });
  doc
    .moveTo(MARGIN.left, 38)
    .lineTo(doc.page.width - MARGIN.right, 38)
    .lineWidth(0.5)
    .strokeColor(COLOR.faint)
    .stroke();
}

function footer(doc: Doc, page: number, pages: number): void {
  const y = doc.page.height - 38;
  doc
    .moveTo(MARGIN.left, y - 6)
    .lineTo(doc.page.width - MARGIN.right, y - 6)
    .lineWidth(0.5)
    .strokeColor(COLOR.faint)
    .stroke();
  style(doc, FONT.regular, SIZE.small, COLOR.faint);
  doc.text('本报告仅供临床医师参考，以签发的电子报告为准。', MARGIN.left, y, {
    width: contentWidth(doc),
    lineBreak: false,
  });
  doc.text(`第 ${page} 页 / 共 ${pages} 页`, MARGIN.left, y, {
    width: contentWidth(doc),
    align: 'right',
    lineBreak: false,
  });
}

function watermark(doc: Doc): void {
  const cx = doc.page.width / 2;
  const cy = doc.page.height / 2;
  doc.save().rotate(-30, { origin: [cx, cy] });
  style(doc, FONT.bold, 64, COLOR.warn)
    .fillOpacity(0.08)
    .text('未签发 · 预览', cx - 250, cy - 40, { width: 500, align: 'center', lineBreak: false });
  doc.restore();
}
