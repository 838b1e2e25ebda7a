// Files the hub serves only with the bearer token cannot be plain links: they are fetched, then opened or saved.

/** Object URLs live this long: enough for the new tab or the download to read them. */
const KEEP_URL_MS = 60_000;

function withUrl(blob: Blob, use: (url: string) => void): void {
  const url = URL.createObjectURL(blob);
  use(url);
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
}

/** Shows the file in a new tab (PDF, images); the browser offers other types for download. */
export function openBlob(blob: Blob): void {
  withUrl(blob, (url) => window.open(url, '_blank', 'noopener'));
}

/** Saves the file under its name. */
export function saveBlob(blob: Blob, fileName: string): void {
  withUrl(blob, (url) => {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  });
}
