import type { TFunction } from 'i18next';
import type { CentreOversightRow, ClinicOversightRow, OversightDay } from '../../api/oversight';
import type { ChartOption } from './echart';

const COLOURS = { stat: '#c0392b', urgent: '#e67e22', routine: '#2e86c1', signed: '#27ae60', grey: '#7f8c8d' };

const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

const bars = (name: string, color: string, data: (number | null)[], stack?: string) => ({
  name,
  type: 'bar',
  stack,
  itemStyle: { color },
  data,
});
/** A line on the right-hand axis (a share in %, or minutes beside counts). */
const rightLine = (name: string, color: string, data: (number | null)[]) => ({
  name,
  type: 'line',
  yAxisIndex: 1,
  connectNulls: true,
  itemStyle: { color },
  data,
});
const counts = { type: 'value', minInterval: 1 };
const right = (name: string, max?: number) => ({ type: 'value', name, min: 0, max, splitLine: { show: false } });

/** Bars (and lines) over categories: long names are cut on the axis; the table beside the chart has them whole. */
function categoryChart(
  names: string[],
  yAxis: object | object[],
  series: object[],
  tooltipOnItem = false,
): ChartOption {
  return {
    grid: { left: 48, right: 48, top: 36, bottom: 56 },
    tooltip: { trigger: 'axis', axisPointer: { type: tooltipOnItem ? 'line' : 'shadow' } },
    legend: { top: 0, itemWidth: 14, itemHeight: 10 },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { interval: 0, width: 100, overflow: 'truncate', fontSize: 11 },
    },
    yAxis,
    series,
  };
}

/** Open tasks per centre now, stacked by priority. */
export function queueOption(centres: CentreOversightRow[], t: TFunction): ChartOption {
  const priority = (key: 'stat' | 'urgent' | 'routine') =>
    bars(
      t(`priority.${key}`),
      COLOURS[key],
      centres.map((c) => c.queue[key]),
      'queue',
    );
  return categoryChart(
    centres.map((c) => c.name),
    { ...counts, name: t('oversight.tasks') },
    [priority('stat'), priority('urgent'), priority('routine')],
  );
}

/** Turnaround p50/p90 in minutes (bars) and SLA compliance in % (line, right axis) per centre. */
export function turnaroundOption(centres: CentreOversightRow[], t: TFunction): ChartOption {
  return categoryChart(
    centres.map((c) => c.name),
    [{ type: 'value', name: t('oversight.minutes') }, right('%', 100)],
    [
      bars(
        'P50',
        COLOURS.routine,
        centres.map((c) => c.turnaroundMinutes.p50),
      ),
      bars(
        'P90',
        COLOURS.grey,
        centres.map((c) => c.turnaroundMinutes.p90),
      ),
      rightLine(
        t('oversight.slaCompliance'),
        COLOURS.signed,
        centres.map((c) => percent(c.slaCompliance)),
      ),
    ],
  );
}

/** Studies, requests and signed reports per institution. */
export function volumesOption(clinics: ClinicOversightRow[], t: TFunction): ChartOption {
  const volume = (key: 'studies' | 'requests' | 'signedReports', color: string) =>
    bars(
      t(`oversight.${key}`),
      color,
      clinics.map((c) => c[key]),
    );
  return categoryChart(
    clinics.map((c) => c.name),
    counts,
    [volume('studies', COLOURS.grey), volume('requests', COLOURS.routine), volume('signedReports', COLOURS.signed)],
  );
}

/** Look-ups and recognised results per institution (bars) and the recognition rate in % (line, right axis). */
export function recognitionOption(clinics: ClinicOversightRow[], t: TFunction): ChartOption {
  return categoryChart(
    clinics.map((c) => c.name),
    [counts, right('%', 100)],
    [
      bars(
        t('oversight.lookups'),
        COLOURS.grey,
        clinics.map((c) => c.lookups),
      ),
      bars(
        t('oversight.recognised'),
        COLOURS.signed,
        clinics.map((c) => c.recognised),
      ),
      rightLine(
        t('oversight.recognitionRate'),
        COLOURS.stat,
        clinics.map((c) => percent(c.recognitionRate)),
      ),
    ],
  );
}

/** The consortium's requests and signatures per day, and the day's median turnaround (right axis). */
export function dailyOption(days: OversightDay[], t: TFunction): ChartOption {
  const option = categoryChart(
    days.map((d) => d.day.slice(5)),
    [counts, right(t('oversight.minutes'))],
    [
      bars(
        t('oversight.requests'),
        COLOURS.routine,
        days.map((d) => d.requests),
      ),
      bars(
        t('oversight.signed'),
        COLOURS.signed,
        days.map((d) => d.signed),
      ),
      rightLine(
        t('oversight.turnaroundP50'),
        COLOURS.stat,
        days.map((d) => d.turnaroundP50Minutes),
      ),
    ],
    true,
  );
  // Up to 366 days: let ECharts thin out the day labels.
  return { ...option, xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) } };
}
