import { api } from 'dicomweb-client';
import XHR from 'xhr2';
import type { TestApp } from './test-app.js';

// dicomweb-client speaks through XMLHttpRequest, as in a browser viewer; xhr2 provides it in Node.
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest ??= XHR;

export type DicomwebClient = InstanceType<typeof api.DICOMwebClient>;

/** The DICOMweb client library a viewer such as OHIF uses, pointed at the test hub as the holder of `token`. */
export function dicomwebClient(t: TestApp, token: string): DicomwebClient {
  const { port } = t.http.address() as { port: number };
  return new api.DICOMwebClient({
    url: `http://127.0.0.1:${port}/dicomweb`,
    headers: { Authorization: `Bearer ${token}` },
  });
}
