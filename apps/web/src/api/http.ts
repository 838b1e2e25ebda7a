import { type StowFailure, stowFailures } from './dicom-json';
import type { DicomJsonDataset, ErrorBody, TokenPair } from './types';

/** A failed call. status 0: the hub was not reached (network, CORS) or the client refused before sending. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    /** The reason phrase the hub puts in `error`, e.g. "Conflict". */
    readonly error: string = '',
    readonly details: Record<string, unknown> = {},
    /** STOW-RS only: the instances the hub refused, with its reasons. */
    readonly failures: StowFailure[] = [],
  ) {
    super(message);
  }

  /** Validation problems, one per field, when the hub's ValidationPipe refused the body or query. */
  get problems(): string[] {
    const p = this.details.problems;
    return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
  }

  static fromBody(status: number, text: string, statusText = ''): ApiError {
    const body = parseJson(text);
    if (isErrorBody(body)) return new ApiError(status, body.message, body.error, body.details ?? {});
    if (isDataset(body)) {
      const failures = stowFailures(body);
      if (failures.length > 0) {
        const reasons = [...new Set(failures.map((f) => f.message ?? `reason ${f.reason ?? '?'}`))];
        return new ApiError(
          status,
          `No instance was stored (${failures.length} refused): ${reasons.join('; ')}`,
          statusText,
          {},
          failures,
        );
      }
    }
    return new ApiError(status, statusText || `The hub answered ${status}`, statusText);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  const b = v as Partial<ErrorBody> | null | undefined;
  return typeof b === 'object' && b !== null && typeof b.statusCode === 'number' && typeof b.message === 'string';
}

function isDataset(v: unknown): v is DicomJsonDataset {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isAbort = (err: unknown): boolean => err instanceof DOMException && err.name === 'AbortError';

export interface Session {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms when the access token expires, if known. */
  expiresAt: number | null;
}

export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  signal?: AbortSignal;
  /** Send no Authorization header and never refresh (login, refresh). */
  anonymous?: boolean;
  accept?: string;
}

export interface ApiClientOptions {
  /** Origin of the hub, e.g. "https://hub.example.cn"; '' for the same origin (the Vite dev proxy). */
  baseUrl?: string;
  session?: Session | null;
  /** Called whenever tokens change (login, refresh) or the session ends (logout, failed refresh). */
  onSessionChange?: (session: Session | null) => void;
}

/** Refresh this long before the access token expires, so a long upload does not start with a dying token. */
const EXPIRY_MARGIN_MS = 30_000;

interface Sent {
  status: number;
  text: string;
}

export class ApiClient {
  readonly baseUrl: string;
  private current: Session | null;
  private refreshing: Promise<boolean> | null = null;
  private readonly onSessionChange: (session: Session | null) => void;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.current = options.session ?? null;
    this.onSessionChange = options.onSessionChange ?? (() => undefined);
  }

  get session(): Session | null {
    return this.current;
  }

  get accessToken(): string | null {
    return this.current?.accessToken ?? null;
  }

  /** Store tokens from login or refresh; null ends the session locally. */
  setTokens(tokens: TokenPair | null): void {
    this.current = tokens
      ? {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          expiresAt: Date.now() + tokens.expiresIn * 1000,
        }
      : null;
    this.onSessionChange(this.current);
  }

  /** Forget the tokens (after logout, or when the hub refused them), telling onSessionChange once. */
  endSession(): void {
    if (this.current) this.setTokens(null);
  }

  /** The access token, refreshed first if it is about to expire (e.g. for a socket handshake). */
  async freshAccessToken(): Promise<string | null> {
    await this.refreshIfExpiring();
    return this.accessToken;
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      // The hub's query DTOs take lists comma-separated and booleans as 'true'/'false'.
      params.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.json<T>('GET', path, undefined, options);
  }

  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.json<T>('POST', path, body ?? {}, options);
  }

  put<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.json<T>('PUT', path, body, options);
  }

  /** multipart/form-data (the browser sets the boundary); parts go in the order they were appended. */
  postForm<T>(path: string, form: FormData, options?: RequestOptions): Promise<T> {
    return this.json<T>('POST', path, form, options);
  }

  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.json<T>('DELETE', path, undefined, options);
  }

  async getBlob(path: string, options?: RequestOptions): Promise<Blob> {
    const res = await this.fetchWithRefresh('GET', path, undefined, { accept: '*/*', ...options });
    return res.blob();
  }

  /**
   * STOW-RS: POST the files as one multipart/related body to /dicomweb/studies, reporting upload progress. Resolves
   * with the DICOM JSON answer (200 all stored, 202 some failed: see stowFailures); a 409 (none stored) rejects with an
   * ApiError whose `failures` say why. After a 401 the upload restarts once with a refreshed token (progress from 0).
   */
  async uploadStow(
    files: File[],
    onProgress: (sent: number, total: number) => void,
    signal?: AbortSignal,
    path = '/dicomweb/studies',
  ): Promise<DicomJsonDataset> {
    if (files.length === 0) throw new ApiError(0, 'Choose at least one DICOM file to send');
    const boundary = `hub-stow-${crypto.randomUUID()}`;
    const parts: BlobPart[] = [];
    for (const file of files) {
      parts.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, file, '\r\n');
    }
    parts.push(`--${boundary}--\r\n`);
    // The Blob only references the files: nothing is read into memory before the browser streams it.
    const body = new Blob(parts);
    const contentType = `multipart/related; type="application/dicom"; boundary=${boundary}`;

    await this.refreshIfExpiring();
    const send = () => this.xhrPost(this.url(path), body, contentType, onProgress, signal);
    const used = this.accessToken;
    let res = await send();
    if (res.status === 401 && (await this.recoverFrom401(used))) {
      res = await send();
      if (res.status === 401) this.endSession();
    }
    if (res.status === 200 || res.status === 202) {
      const parsed = parseJson(res.text);
      return isDataset(parsed) ? parsed : {};
    }
    throw ApiError.fromBody(res.status, res.text, res.status === 409 ? 'Conflict' : '');
  }

  private async json<T>(method: string, path: string, body: unknown, options?: RequestOptions): Promise<T> {
    const res = await this.fetchWithRefresh(method, path, body, { accept: 'application/json', ...options });
    const text = await res.text();
    // 204 and empty bodies come back as undefined: type such calls as T | undefined or void.
    return parseJson(text) as T;
  }

  private async fetchWithRefresh(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions,
  ): Promise<Response> {
    if (!options.anonymous) await this.refreshIfExpiring();
    const used = this.accessToken;
    let res = await this.send(method, path, body, options);
    if (res.status === 401 && !options.anonymous && (await this.recoverFrom401(used))) {
      res = await this.send(method, path, body, options);
      if (res.status === 401) this.endSession();
    }
    if (!res.ok) {
      throw ApiError.fromBody(res.status, await res.text(), res.statusText);
    }
    return res;
  }

  private async send(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
    const token = this.accessToken;
    if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
    try {
      return await fetch(this.url(path, options.query), {
        method,
        headers,
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
        signal: options.signal,
      });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(0, 'The hub could not be reached: check the network and try again');
    }
  }

  /** After a 401: retry at once if another call already refreshed since this one was sent, else refresh once. */
  private async recoverFrom401(usedToken: string | null): Promise<boolean> {
    if (this.accessToken && this.accessToken !== usedToken) return true;
    return this.refresh();
  }

  private async refreshIfExpiring(): Promise<void> {
    const expiresAt = this.current?.expiresAt;
    if (expiresAt != null && this.current?.refreshToken && expiresAt - Date.now() < EXPIRY_MARGIN_MS) {
      await this.refresh();
    }
  }

  /**
   * POST /api/auth/refresh, shared by concurrent callers: a refresh token is single use, and presenting it twice
   * makes the hub end the whole session.
   */
  private refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.current?.refreshToken;
    if (!refreshToken) {
      this.endSession();
      return false;
    }
    let res: Response;
    try {
      res = await this.send('POST', '/api/auth/refresh', { refreshToken }, { anonymous: true });
    } catch {
      return false; // network: keep the session, the caller sees the 401
    }
    if (!res.ok) {
      this.endSession();
      return false;
    }
    this.setTokens((await res.json()) as TokenPair);
    return true;
  }

  private xhrPost(
    url: string,
    body: Blob,
    contentType: string,
    onProgress: (sent: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<Sent> {
    return new Promise<Sent>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DOMException('The upload was cancelled', 'AbortError'));
        return;
      }
      const xhr = new XMLHttpRequest();
      const onAbort = () => xhr.abort();
      const done = () => signal?.removeEventListener('abort', onAbort);
      xhr.open('POST', url);
      xhr.setRequestHeader('Content-Type', contentType);
      xhr.setRequestHeader('Accept', 'application/dicom+json, application/json');
      const token = this.accessToken;
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
      xhr.onload = () => {
        done();
        if (xhr.status >= 200 && xhr.status < 300) onProgress(body.size, body.size);
        resolve({ status: xhr.status, text: xhr.responseText });
      };
      xhr.onerror = () => {
        done();
        reject(new ApiError(0, 'The upload failed: the hub could not be reached or closed the connection'));
      };
      xhr.onabort = () => {
        done();
        reject(new DOMException('The upload was cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      onProgress(0, body.size);
      xhr.send(body);
    });
  }
}
