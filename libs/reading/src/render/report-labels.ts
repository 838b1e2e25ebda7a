import type { Discipline } from '@hub/core';
import type { ReportView } from '../report-view.js';

/** The printed title of a report, by discipline (the usual wording on Chinese report forms). */
export const REPORT_TITLES: Record<Discipline, string> = {
  imaging: '医学影像检查报告单',
  ecg: '心电图检查报告单',
  lab: '检验报告单',
  pathology: '病理检查报告单',
};

const SEX_LABELS: Record<string, string> = { M: '男', F: '女', O: '其他', U: '未知' };

export const sexLabel = (sex: string | null): string => (sex ? (SEX_LABELS[sex] ?? sex) : '');

// Reports are read in China: print wall-clock times in China Standard Time whatever the server's zone.
const CHINA_TIME = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '2026-03-01 14:05' in China Standard Time; '' for null or an unparseable value. */
export function formatChinaTime(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    CHINA_TIME.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** What the exam was, for people: the study's description, else the exam code, else the report form's title. */
export const examName = (report: ReportView): string =>
  report.study.description ?? report.examCode ?? REPORT_TITLES[report.discipline];

/** The performing centre as printed: institution, then the centre unless its name already says it. */
export function centreDisplay(centre: ReportView['centre']): string {
  if (!centre.name || centre.institutionName.includes(centre.name)) return centre.institutionName;
  if (centre.name.includes(centre.institutionName)) return centre.name;
  return `${centre.institutionName} ${centre.name}`;
}

/** The plain-text report (findings, impression, sign-off, addenda) that the FHIR rendering carries. */
export function reportPlainText(report: ReportView): string {
  const lines = [
    centreDisplay(report.centre),
    REPORT_TITLES[report.discipline],
    `患者：${report.patient.name ?? ''}  性别：${sexLabel(report.patient.sex)}  出生日期：${report.patient.birthDate ?? ''}`,
    `检查项目：${examName(report)}`,
    '',
    '检查所见：',
    report.findings,
    '',
    '诊断意见：',
    report.impression,
    '',
    `报告医师：${report.author?.displayName ?? ''}  审核医师：${report.signedBy?.displayName ?? ''}  签发时间：${formatChinaTime(report.signedAt)}`,
  ];
  if (report.contentHash) lines.push(`报告校验码：${report.contentHash}`);
  for (const addendum of report.addenda) {
    lines.push(
      '',
      `更正补充（第${addendum.seq}次）：`,
      addendum.text,
      `签发医师：${addendum.signedBy.displayName}  签发时间：${formatChinaTime(addendum.signedAt)}`,
      `校验码：${addendum.contentHash}`,
    );
  }
  return lines.join('\n') + '\n';
}
