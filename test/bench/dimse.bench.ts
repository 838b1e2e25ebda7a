import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { minimalDataset, writePart10 } from '../fixtures/dicom-writer.js';
import { api, login } from './bench-api.js';
import type { BenchResult } from './bench-result.js';
import { freePort, startBenchHub } from './bench-hub.js';
import { orthancMissing, peakRss, resetPeakRss, startOrthanc } from './orthanc.js';
import { PIXEL_BYTES } from './stow-body.js';

/** DIMSE_BENCH_FILES=500 for a quicker run. */
const FILES = Number(process.env.DIMSE_BENCH_FILES ?? 2000);
const INSTANCES_PER_SERIES = 25;
const SERIES_PER_STUDY = 4;
/** The 4-association run sends one folder per association; the 1-association run sends them all. */
const FOLDERS = 4;
const CALLING_AE = 'BENCHCT';
const HUB_AE = 'HUB';
const ROWS = 512;
const COLUMNS = PIXEL_BYTES / 2 / ROWS;

/** A C-STORE SCP under load: where to send, how many instances it holds, and its peak memory. */
interface DimseTarget {
  name: string;
  port: number;
  aeTitle: string;
  countInstances(): Promise<number>;
  rssLabel: string;
  resetPeakRss(): Promise<void>;
  peakRss(): Promise<number>;
  close(): Promise<void>;
}

interface Exit {
  code: number | null;
  /** stdout and stderr together, its last 4 KB. */
  output: string;
}

function run(command: string, args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    // DCMTK leaves Nagle's algorithm on unless TCP_NODELAY=1: each C-STORE would then wait for a delayed ACK.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4096));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

const kib = (bytes: number) => Math.round(bytes / 1024);
const u16 = (n: number) => Uint8Array.from([n & 0xff, n >>> 8]);

/** A synthetic 16-bit CT slice with unique UIDs, as a Part 10 file; series of INSTANCES_PER_SERIES slices. */
function ctInstance(n: number, pixels: Buffer): Buffer {
  const root = '1.2.826.0.1.3680043.2.1125.8';
  const series = Math.floor(n / INSTANCES_PER_SERIES);
  const study = Math.floor(series / SERIES_PER_STUDY);
  return writePart10(
    minimalDataset({
      override: {
        0x00080018: `${root}.3.${n}`,
        0x0020000d: `${root}.1.${study}`,
        0x0020000e: `${root}.2.${series}`,
      },
      extra: [
        { tag: 0x00100020, vr: 'LO', value: `DIMSE-${study}` },
        { tag: 0x00200011, vr: 'IS', value: String((series % SERIES_PER_STUDY) + 1) },
        { tag: 0x00200013, vr: 'IS', value: String((n % INSTANCES_PER_SERIES) + 1) },
        { tag: 0x00280002, vr: 'US', value: u16(1) },
        { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
        { tag: 0x00280010, vr: 'US', value: u16(ROWS) },
        { tag: 0x00280011, vr: 'US', value: u16(COLUMNS) },
        { tag: 0x00280100, vr: 'US', value: u16(16) },
        { tag: 0x00280101, vr: 'US', value: u16(12) },
        { tag: 0x00280102, vr: 'US', value: u16(11) },
        { tag: 0x00280103, vr: 'US', value: u16(0) },
        { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ],
    }),
  );
}

interface Files {
  root: string;
  folders: string[];
  /** All files together, and one of them. */
  bytes: number;
  fileBytes: number;
}

/** Writes FILES instances into (up to) FOLDERS sub-folders of a temporary folder, whole studies round-robin. */
async function writeInstances(): Promise<Files> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-dimse-'));
  const studies = Math.ceil(FILES / (INSTANCES_PER_SERIES * SERIES_PER_STUDY));
  const folders = Array.from({ length: Math.min(FOLDERS, studies) }, (_, i) => path.join(root, `association-${i + 1}`));
  await Promise.all(folders.map((f) => mkdir(f)));
  const pixels = Buffer.alloc(PIXEL_BYTES, 7);
  let bytes = 0;
  let fileBytes = 0;
  for (let n = 0; n < FILES; n++) {
    const file = ctInstance(n, pixels);
    const study = Math.floor(n / (INSTANCES_PER_SERIES * SERIES_PER_STUDY));
    await writeFile(path.join(folders[study % folders.length]!, `${String(n).padStart(5, '0')}.dcm`), file);
    bytes += file.length;
    fileBytes = file.length;
  }
  return { root, folders, bytes, fileBytes };
}

const storescu = (target: DimseTarget, dir: string) =>
  run('storescu', [
    '-nh',
    '-aet',
    CALLING_AE,
    '-aec',
    target.aeTitle,
    '+sd',
    '+r',
    '+sp',
    '*.dcm',
    '127.0.0.1',
    String(target.port),
    dir,
  ]);

/** One storescu per folder, all at once: the wall time from spawning them to the last one's exit. */
async function send(target: DimseTarget, dirs: string[]): Promise<{ seconds: number; failed: Exit[] }> {
  const t0 = performance.now();
  const exits = await Promise.all(dirs.map((dir) => storescu(target, dir)));
  const seconds = (performance.now() - t0) / 1000;
  const failed = exits.filter((e) => e.code !== 0);
  for (const e of failed) console.log(`storescu into ${target.name} exited ${e.code}:\n${e.output}`);
  return { seconds, failed };
}

interface Step {
  label: string;
  dirs: string[];
  /** New instances into fresh servers, or the same files again (duplicates: stored already, nothing new). */
  fresh: boolean;
}

/** instances/s counts new instances, or for duplicates the files sent when every storescu exited 0. */
async function measure(target: DimseTarget, step: Step, files: Files): Promise<BenchResult> {
  const before = await target.countInstances();
  await target.resetPeakRss();
  const { seconds, failed } = await send(target, step.dirs);
  const peak = await target.peakRss();
  const stored = (await target.countInstances()) - before;
  const acknowledged = step.fresh ? stored : failed.length ? NaN : FILES;
  return {
    name: `C-STORE into ${target.name}: storescu, ${FILES} files of ${kib(files.fileBytes)} KiB, ${step.label}`,
    figures: {
      'new instances': stored,
      ...(failed.length ? { 'storescu failures': failed.length } : {}),
      seconds: Number(seconds.toFixed(1)),
      'instances/s': Number((acknowledged / seconds).toFixed(1)),
      'MB/s': Number((files.bytes / 1e6 / seconds).toFixed(1)),
      [target.rssLabel]: Number((peak / 1e6).toFixed(0)),
    },
  };
}

/** C-ECHO first: a refused association says so here, not as thousands of failed stores. */
async function echo(target: DimseTarget): Promise<void> {
  const e = await run('echoscu', ['-aet', CALLING_AE, '-aec', target.aeTitle, '127.0.0.1', String(target.port)]);
  if (e.code !== 0) throw new Error(`echoscu to ${target.name} exited ${e.code}:\n${e.output}`);
}

/** The whole hub with its DICOM gateway on a free loopback port, BENCHCT registered for the demo clinic. */
async function startHubTarget(): Promise<DimseTarget> {
  const port = await freePort();
  const hub = await startBenchHub({
    DICOM_ENABLED: 'true',
    DICOM_HOST: '127.0.0.1',
    DICOM_PORT: String(port),
    DICOM_AE_TITLE: HUB_AE,
  });
  const db = hub.ownerClient();
  const close = async () => {
    await db.end().catch(() => undefined);
    await hub.close();
  };
  try {
    await db.connect();
    const { institutionId } = await api<{ institutionId: string }>(
      hub.base,
      hub.technicianToken,
      'GET',
      '/api/auth/me',
    );
    const admin = await login(hub.base, 'admin', hub.adminPassword);
    await api(hub.base, admin, 'POST', '/api/modalities', {
      institutionId,
      aeTitle: CALLING_AE,
      addresses: ['127.0.0.1'],
    });
    return {
      name: 'the hub',
      port,
      aeTitle: HUB_AE,
      // Filed under the modality's institution, as STOW-RS files a technician's upload.
      countInstances: async () => {
        const { rows } = await db.query<{ count: string }>(
          'SELECT count(*) FROM instances i JOIN studies s ON s.id = i.study_id WHERE s.institution_id = $1',
          [institutionId],
        );
        return Number(rows[0]!.count);
      },
      rssLabel: 'peak RSS MB (hub process)',
      resetPeakRss: () => resetPeakRss(process.pid),
      peakRss: () => peakRss(process.pid),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function startOrthancTarget(): Promise<DimseTarget> {
  const orthanc = await startOrthanc({ dicom: true });
  return {
    name: `Orthanc ${orthanc.version}`,
    port: orthanc.dicom!.port,
    aeTitle: orthanc.dicom!.aeTitle,
    countInstances: () => orthanc.countInstances(),
    rssLabel: 'peak RSS MB (Orthanc process)',
    resetPeakRss: () => orthanc.resetPeakRss(),
    peakRss: () => orthanc.peakRss(),
    close: () => orthanc.stop(),
  };
}

/**
 * DIMSE C-STORE through the hub's DICOM gateway (association, the same filing as STOW-RS: object store on local disk,
 * index in the embedded PostgreSQL) from DCMTK's storescu in its own processes: FILES new instances over 1 association,
 * then, into a fresh hub, over FOLDERS concurrent associations, then the same again (duplicates, which change nothing).
 * When Orthanc is installed, the same files go into a fresh Orthanc at each step, for comparison.
 */
export async function runDimseBench(): Promise<BenchResult[]> {
  for (const tool of ['storescu', 'echoscu']) {
    const found = await run(tool, ['--version']).catch(() => null);
    if (!found) {
      console.log(`${tool} not found, DIMSE benchmark skipped: apt-get install -y --no-install-recommends dcmtk`);
      return [];
    }
  }
  const missing = orthancMissing();
  if (missing) console.log(missing);
  const files = await writeInstances();
  console.log(
    `dimse bench: ${FILES} files of ${files.fileBytes} bytes (${(files.bytes / 1e6).toFixed(0)} MB) in ${files.root}`,
  );
  const results: BenchResult[] = [];
  const steps: Step[] = [
    { label: '1 association', dirs: [files.root], fresh: true },
    { label: `${files.folders.length} associations`, dirs: files.folders, fresh: true },
    { label: `re-send (duplicates), ${files.folders.length} associations`, dirs: files.folders, fresh: false },
  ];
  let hub: DimseTarget | undefined;
  let orthanc: DimseTarget | undefined;
  try {
    for (const step of steps) {
      if (step.fresh) {
        await hub?.close();
        hub = undefined;
        await orthanc?.close();
        orthanc = undefined;
        hub = await startHubTarget();
        if (!missing) orthanc = await startOrthancTarget();
      }
      await echo(hub!);
      const hubResult = await measure(hub!, step, files);
      results.push(hubResult);
      if (!orthanc) continue;
      await echo(orthanc);
      const peerResult = await measure(orthanc, step, files);
      const rate = (r: BenchResult) => r.figures['instances/s'] as number;
      peerResult.figures['hub ÷ Orthanc instances/s'] = Number((rate(hubResult) / rate(peerResult)).toFixed(2));
      results.push(peerResult);
    }
  } finally {
    await hub?.close();
    await orthanc?.close();
    await rm(files.root, { recursive: true, force: true });
  }
  return results;
}
