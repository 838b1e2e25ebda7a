import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** DCMTK's command-line tools, the real DICOM clients of the gateway's tests; installed from Debian when missing. */
export function requireDcmtk(): void {
  const has = () => {
    try {
      execFileSync('storescu', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return;
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'dcmtk'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  } catch (err) {
    throw new Error(`DCMTK (storescu, echoscu, findscu) is needed and could not be installed: ${String(err)}`);
  }
  if (!has()) throw new Error('DCMTK was installed but storescu is still not on the PATH');
}

export interface ToolRun {
  code: number;
  output: string;
}

/** Runs a DCMTK tool; resolves with its exit code and everything it printed, whatever the code. */
export async function dcmtk(tool: 'echoscu' | 'storescu' | 'findscu', args: string[], cwd?: string): Promise<ToolRun> {
  try {
    const { stdout, stderr } = await run(tool, args, { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
