import { type QidoStudy, toQidoStudy } from './dicom-json';
import type { ApiClient } from './http';
import type {
  Centre,
  CentreFilters,
  DicomJsonDataset,
  DraftReport,
  LoginResult,
  Me,
  NewReadingRequest,
  Page,
  QidoStudyFilters,
  QueueFilters,
  QueueItem,
  ReadingRequest,
  Report,
  RequestListFilters,
  ReturnReason,
  Study,
  Task,
  TokenPair,
} from './types';

const id = encodeURIComponent;

// ---- auth ----

/** A 401 with `details.totpRequired` means: ask for the six-digit code and call again with `totp`. */
export async function login(api: ApiClient, username: string, password: string, totp?: string): Promise<LoginResult> {
  const result = await api.post<LoginResult>('/api/auth/login', { username, password, totp }, { anonymous: true });
  api.setTokens(result);
  return result;
}

export function me(api: ApiClient): Promise<Me> {
  return api.get<Me>('/api/auth/me');
}

/** Revokes the session on the hub, then forgets the tokens even if the hub could not be told. */
export async function logout(api: ApiClient): Promise<void> {
  try {
    await api.post<undefined>('/api/auth/logout');
  } finally {
    api.endSession();
  }
}

/** Exposed for completeness; ApiClient already refreshes by itself on 401. */
export function refreshTokens(api: ApiClient, refreshToken: string): Promise<TokenPair> {
  return api.post<TokenPair>('/api/auth/refresh', { refreshToken }, { anonymous: true });
}

// ---- studies ----

/**
 * The DICOM studies the caller may see (a clinic: its own), newest first, via QIDO-RS. There is no REST listing:
 * uploaded ECG/lab/pathology studies are not listed anywhere, and QIDO rows carry no hub study id.
 */
export async function listStudies(api: ApiClient, filters: QidoStudyFilters = {}): Promise<QidoStudy[]> {
  const rows = await api.get<DicomJsonDataset[]>('/dicomweb/studies', {
    query: { ...filters },
    accept: 'application/dicom+json',
  });
  return (rows ?? []).map(toQidoStudy);
}

/** By hub study id (UUID), e.g. a request's studyId. */
export function getStudy(api: ApiClient, studyId: string): Promise<Study> {
  return api.get<Study>(`/api/studies/${id(studyId)}`);
}

export function studyFile(api: ApiClient, studyId: string, fileId: string): Promise<Blob> {
  return api.getBlob(`/api/studies/${id(studyId)}/files/${id(fileId)}`);
}

// ---- reading requests (clinic) ----

export function createRequest(api: ApiClient, body: NewReadingRequest): Promise<ReadingRequest> {
  return api.post<ReadingRequest>('/api/requests', body);
}

export function getRequest(api: ApiClient, requestId: string): Promise<ReadingRequest> {
  return api.get<ReadingRequest>(`/api/requests/${id(requestId)}`);
}

/** The clinic's requests, newest first. Items are tasks (requestId, state, priority, dueAt…), not full requests. */
export function listRequests(api: ApiClient, filters: RequestListFilters = {}): Promise<Page<Task>> {
  return api.get<Page<Task>>('/api/requests', { query: { ...filters } });
}

export function cancelRequest(api: ApiClient, requestId: string, reason?: string): Promise<ReadingRequest> {
  return api.post<ReadingRequest>(`/api/requests/${id(requestId)}/cancel`, { reason });
}

/** Puts a returned request back in the queue; clinicalNotes replaces the old notes when given. */
export function resubmitRequest(api: ApiClient, requestId: string, clinicalNotes?: string): Promise<ReadingRequest> {
  return api.post<ReadingRequest>(`/api/requests/${id(requestId)}/resubmit`, { clinicalNotes });
}

// ---- centres ----

/** Centres of the caller's consortium (the platform admin: any, or the one asked for). */
export function listCentres(api: ApiClient, filters: CentreFilters = {}): Promise<Page<Centre>> {
  return api.get<Page<Centre>>('/api/centres', { query: { ...filters } });
}

export function getCentre(api: ApiClient, centreId: string): Promise<Centre> {
  return api.get<Centre>(`/api/centres/${id(centreId)}`);
}

/**
 * The centres a reader works in: those hosted by their institution (what the hub uses for /events rooms). There is
 * no endpoint for this, nor for the reader's discipline privileges: a queue the reader may not see answers 403.
 */
export async function centresHostedBy(api: ApiClient, institutionId: string): Promise<Centre[]> {
  const page = await listCentres(api, { limit: 500 });
  return page.items.filter((c) => c.hostInstitutionId === institutionId);
}

// ---- queue and tasks (centre) ----

export function getQueue(api: ApiClient, centreId: string, filters: QueueFilters = {}): Promise<Page<QueueItem>> {
  return api.get<Page<QueueItem>>(`/api/centres/${id(centreId)}/queue`, { query: { ...filters } });
}

/** Claims the next task under a lease (stage review: a senior takes a submitted report); null when nothing waits. */
export async function claimNext(api: ApiClient, centreId: string, stage?: 'read' | 'review'): Promise<Task | null> {
  const task = await api.post<Task | undefined>(`/api/centres/${id(centreId)}/claim`, { stage });
  return task ?? null;
}

/** The task with its request and current report. */
export function getTask(api: ApiClient, taskId: string): Promise<ReadingRequest> {
  return api.get<ReadingRequest>(`/api/tasks/${id(taskId)}`);
}

export function heartbeat(api: ApiClient, taskId: string, fencingToken: number): Promise<Task> {
  return api.post<Task>(`/api/tasks/${id(taskId)}/heartbeat`, { fencingToken });
}

export function release(api: ApiClient, taskId: string, fencingToken: number): Promise<Task> {
  return api.post<Task>(`/api/tasks/${id(taskId)}/release`, { fencingToken });
}

/** Saves a new draft version; a stale fencing token answers 409. */
export function saveDraft(
  api: ApiClient,
  taskId: string,
  body: DraftReport & { fencingToken: number },
): Promise<ReadingRequest> {
  return api.put<ReadingRequest>(`/api/tasks/${id(taskId)}/report`, body);
}

/** For review by a senior reader (two-step centres). */
export function submit(api: ApiClient, taskId: string, fencingToken: number): Promise<Task> {
  return api.post<Task>(`/api/tasks/${id(taskId)}/submit`, { fencingToken });
}

/** senior_reader only: final and immutable. */
export function sign(api: ApiClient, taskId: string, fencingToken: number): Promise<ReadingRequest> {
  return api.post<ReadingRequest>(`/api/tasks/${id(taskId)}/sign`, { fencingToken });
}

/** Back to the requesting clinic; `note` is required when reason is 'other'. */
export function returnTask(
  api: ApiClient,
  taskId: string,
  body: { fencingToken: number; reason: ReturnReason; note?: string },
): Promise<Task> {
  return api.post<Task>(`/api/tasks/${id(taskId)}/return`, body);
}

// ---- reports ----

/** Clinics get 404 until the report is signed. */
export function getReport(api: ApiClient, reportId: string): Promise<Report> {
  return api.get<Report>(`/api/reports/${id(reportId)}`);
}

/** The signed report as an A4 PDF; 409 while it is not signed. */
export function reportPdf(api: ApiClient, reportId: string): Promise<Blob> {
  return api.getBlob(`/api/reports/${id(reportId)}/pdf`, { accept: 'application/pdf' });
}

/** senior_reader only: a signed correction; changesResult withdraws mutual recognition. */
export function addAddendum(
  api: ApiClient,
  reportId: string,
  body: { text: string; changesResult?: boolean },
): Promise<Report> {
  return api.post<Report>(`/api/reports/${id(reportId)}/addenda`, body);
}
