import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './bench-hub.js';

/** Where Debian's `orthanc` and `orthanc-dicomweb` packages put the server and the DICOMweb plugin. */
const ORTHANC_BIN = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const READY_TIMEOUT_MS = 30_000;

export interface OrthancServer {
  /** As /system reports it, e.g. 1.10.1. */
  version: string;
  /** STOW-RS endpoint: POST multipart/related here. */
  stowUrl: string;
  /** Its DICOM (DIMSE) server, when started with `{ dicom: true }`: any calling AE title may store. */
  dicom: { port: number; aeTitle: string } | null;
  /** How many instances it holds (GET /statistics). */
  countInstances(): Promise<number>;
  /** Restarts the process's peak-RSS counter (VmHWM), so each level reports its own peak. */
  resetPeakRss(): Promise<void>;
  /** VmHWM of the Orthanc process, in bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/** Why Orthanc cannot run here, or null when both packages are installed. */
export function orthancMissing(): string | null {
  if (existsSync(ORTHANC_BIN) && existsSync(DICOMWEB_PLUGIN)) return null;
  return 'Orthanc not installed, no comparison: apt-get install -y --no-install-recommends orthanc orthanc-dicomweb';
}

/** Restarts the peak-RSS counter (VmHWM) of a process of this host (Linux /proc), e.g. `process.pid`. */
export const resetPeakRss = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

/** VmHWM of a process of this host, in bytes. */
export async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/**
 * A throwaway Orthanc on a free loopback port, its own temporary storage and index, the DICOMweb plugin on, no DICOM
 * port unless `dicom` (then on another free port, AE title ORTHANC), no remote access and no authentication (loopback
 * only). Orthanc 1.10 has no bind address option, so it listens on every interface but refuses any HTTP client that is
 * not on this host. Its defaults are kept otherwise, including `SyncStorageArea: true` (fsync of every stored file), as
 * the hub fsyncs too.
 */
export async function startOrthanc(opts: { dicom?: boolean } = {}): Promise<OrthancServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-orthanc-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const dicom = opts.dicom ? { port: await freePort(), aeTitle: 'ORTHANC' } : null;
    await mkdir(path.join(dir, 'logs'));
    const config = {
      Name: 'hub-bench',
      StorageDirectory: path.join(dir, 'storage'),
      IndexDirectory: path.join(dir, 'index'),
      HttpPort: port,
      DicomServerEnabled: dicom !== null,
      ...(dicom && { DicomPort: dicom.port, DicomAet: dicom.aeTitle, DicomAlwaysAllowStore: true }),
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      SaveJobs: false,
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/' },
    };
    const configPath = path.join(dir, 'orthanc.json');
    await writeFile(configPath, JSON.stringify(config, null, 2));
    // Debian's Orthanc links the system DCMTK, which leaves Nagle's algorithm on unless TCP_NODELAY=1 (DCMTK's
    // envvars.txt); Orthanc's own builds turn it off at compile time (DISABLE_NAGLE_ALGORITHM). With it on, every
    // C-STORE waits ~40 ms for a delayed ACK.
    const env = dicom ? { ...process.env, TCP_NODELAY: '1' } : process.env;
    child = spawn(ORTHANC_BIN, [`--logdir=${path.join(dir, 'logs')}`, configPath], { stdio: 'ignore', env });
    const pid = child.pid!;
    const base = `http://127.0.0.1:${port}`;
    const { Version } = (await waitUntilAnswering(child, `${base}/system`)) as { Version: string };
    return {
      version: Version,
      stowUrl: `${base}/dicom-web/studies`,
      dicom,
      countInstances: async () => {
        const res = await fetch(`${base}/statistics`);
        if (!res.ok) throw new Error(`Orthanc /statistics answered ${res.status}`);
        return ((await res.json()) as { CountInstances: number }).CountInstances;
      },
      resetPeakRss: () => resetPeakRss(pid),
      peakRss: () => peakRss(pid),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntilAnswering(child: ChildProcess, url: string): Promise<unknown> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Orthanc exited (${child.exitCode ?? child.signalCode}) before answering; see its --logdir`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return await res.json();
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Orthanc did not answer ${url} within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
