// Test-only libraries without type declarations: the small surface the suites use.
declare module 'xhr2' {
  const XMLHttpRequest: unknown;
  export default XMLHttpRequest;
}

declare module 'dicomweb-client' {
  type Json = Record<string, { vr: string; Value?: unknown[] }>;
  interface StudyOptions {
    studyInstanceUID: string;
  }
  interface SeriesOptions extends StudyOptions {
    seriesInstanceUID: string;
  }
  interface InstanceOptions extends SeriesOptions {
    sopInstanceUID: string;
  }
  class DICOMwebClient {
    constructor(options: { url: string; headers?: Record<string, string> });
    storeInstances(options: { datasets: ArrayBuffer[]; studyInstanceUID?: string }): Promise<unknown>;
    searchForStudies(options?: { queryParams?: Record<string, unknown> }): Promise<Json[]>;
    searchForSeries(options?: { studyInstanceUID?: string; queryParams?: Record<string, unknown> }): Promise<Json[]>;
    searchForInstances(options?: {
      studyInstanceUID?: string;
      seriesInstanceUID?: string;
      queryParams?: Record<string, unknown>;
    }): Promise<Json[]>;
    retrieveInstance(options: InstanceOptions): Promise<ArrayBuffer>;
    retrieveSeries(options: SeriesOptions): Promise<ArrayBuffer[]>;
    retrieveStudy(options: StudyOptions): Promise<ArrayBuffer[]>;
    retrieveStudyMetadata(options: StudyOptions): Promise<Json[]>;
    retrieveSeriesMetadata(options: SeriesOptions): Promise<Json[]>;
    retrieveInstanceMetadata(options: InstanceOptions): Promise<Json[]>;
  }
  export const api: { DICOMwebClient: typeof DICOMwebClient };
}
