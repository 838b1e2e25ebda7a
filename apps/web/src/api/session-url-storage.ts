import type { Upload, defaultOptions } from 'tus-js-client';

// tus-js-client declares these two without exporting them.
type UrlStorage = (typeof defaultOptions)['urlStorage'];
type PreviousUpload = Awaited<ReturnType<Upload['findPreviousUploads']>>[number];

const PREFIX = 'tus::';

/**
 * Where tus-js-client keeps the hub's upload URLs for resuming: sessionStorage, not its default localStorage, so they
 * survive a reload of the tab but not its closing, and are not left for the next user of the workstation. Only the
 * size, the time and the URL are kept (not the metadata, which names the file).
 */
export const sessionUrlStorage: UrlStorage = {
  findAllUploads: async () => entries(PREFIX),
  findUploadsByFingerprint: async (fingerprint) => entries(`${PREFIX}${fingerprint}::`),
  removeUpload: async (key) => sessionStorage.removeItem(key),
  addUpload: async (fingerprint, upload) => {
    const key = `${PREFIX}${fingerprint}::${crypto.randomUUID()}`;
    const { size, creationTime, uploadUrl, parallelUploadUrls } = upload;
    sessionStorage.setItem(key, JSON.stringify({ size, creationTime, uploadUrl, parallelUploadUrls }));
    return key;
  },
};

function entries(prefix: string): PreviousUpload[] {
  const found: PreviousUpload[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (!key?.startsWith(prefix)) continue;
    try {
      const stored = JSON.parse(sessionStorage.getItem(key) ?? '') as Omit<
        PreviousUpload,
        'metadata' | 'urlStorageKey'
      >;
      found.push({ ...stored, metadata: {}, urlStorageKey: key });
    } catch {
      // a malformed entry is ignored: the upload starts again
    }
  }
  return found;
}

/**
 * The key an upload is found again by: the user's id, so one user never resumes (or sees) another's, and a SHA-256
 * of what tus-js-client uses by default (name, type, size, last modified, endpoint), so the file name is not stored.
 */
export async function uploadFingerprint(userId: string, file: File, endpoint: string): Promise<string> {
  const text = [file.name, file.type, file.size, file.lastModified, endpoint].join('\u0000');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${userId}-${hex}`;
}
