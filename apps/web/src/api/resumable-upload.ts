import { DetailedError, Upload } from 'tus-js-client';
import { ApiError, type ApiClient } from './http';
import { sessionUrlStorage, uploadFingerprint } from './session-url-storage';

/** Automatic retries after a dropped connection, before the upload is reported as failed (the user may resume later). */
const RETRY_DELAYS_MS = [0, 1000, 3000];

/** The hub's refusal (4xx, its JSON body) as an ApiError; status 0 when the connection was lost (resumable). */
function uploadError(err: Error): ApiError {
  const res = err instanceof DetailedError ? err.originalResponse : null;
  if (res && res.getStatus() > 0) return ApiError.fromBody(res.getStatus(), res.getBody() ?? '');
  return new ApiError(0, 'The upload stopped: the connection to the hub was lost');
}

export interface ResumableResult {
  /** The id POST /api/studies takes in `resumableUploads`. */
  uploadId: string;
  /** True when it went on from bytes an earlier attempt (even before a reload) had sent. */
  resumed: boolean;
}

/**
 * Sends one file through the hub's tus endpoint (/api/uploads). The fingerprint (the user, and a hash of the file's
 * name, type, size, last modified and the endpoint) and the tab's URL store let a later call by the same user with the
 * same file, after an error or a reload, go on from the hub's offset instead of starting again; after a dropped
 * connection it retries by itself first.
 */
export async function sendResumable(
  api: ApiClient,
  userId: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<ResumableResult> {
  let resumed = false;
  const upload = new Upload(file, {
    endpoint: api.url('/api/uploads'),
    metadata: { filename: file.name, filetype: file.type },
    retryDelays: RETRY_DELAYS_MS,
    removeFingerprintOnSuccess: true,
    urlStorage: sessionUrlStorage,
    fingerprint: (f, options) => uploadFingerprint(userId, f, options.endpoint ?? ''),
    // A long upload outlives an access token: every request (including retries) takes the current one.
    onBeforeRequest: async (req) => {
      const token = await api.freshAccessToken();
      if (token) req.setHeader('Authorization', `Bearer ${token}`);
    },
    onProgress,
  });
  const previous = await upload.findPreviousUploads();
  if (previous.length > 0) {
    upload.resumeFromPreviousUpload(previous[0]!);
    resumed = true;
  }
  signal?.throwIfAborted();
  await new Promise<void>((resolve, reject) => {
    upload.options.onSuccess = () => resolve();
    upload.options.onError = (err) => reject(uploadError(err));
    signal?.addEventListener(
      'abort',
      () => {
        void upload.abort();
        reject(new DOMException('The upload was cancelled', 'AbortError'));
      },
      { once: true },
    );
    upload.start();
  });
  const uploadId = upload.url?.split('/').pop();
  if (!uploadId) throw new ApiError(0, 'The hub did not say where the upload went');
  return { uploadId, resumed };
}
