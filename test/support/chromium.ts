import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A CJK font, so the screenshots of a Chinese-first console show characters, not empty boxes. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/** Debian's Chromium, the real browser of the console's tests, and a Chinese font; installed when missing. */
function requireChromium(): void {
  if (existsSync(CHROMIUM_PATH) && existsSync(CJK_FONT)) return;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  try {
    try {
      apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-wqy-microhei']);
    } catch {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-wqy-microhei']);
    }
  } catch (err) {
    throw new Error(`Chromium is needed for the console's browser tests and could not be installed: ${String(err)}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium was installed but ${CHROMIUM_PATH} is missing`);
}

export interface ChromiumOptions {
  /**
   * A fake camera and microphone (a test pattern and a beep) that every page may use without asking, for WebRTC
   * tests: getUserMedia answers at once in headless Chromium.
   */
  fakeMedia?: boolean;
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(options.fakeMedia ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] : []),
    ],
  });
}
