import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import busboy from 'busboy';
import { type Actor, DomainError, forbidden, HUB_CONFIG, type HubConfig } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { ObjectReferences } from '../ingest/object-references.js';
import { streamToStore } from '../ingest/stream-to-store.js';
import { mayStoreStudies } from '../study-access.policy.js';
import { LabResultDto, UploadStudyDto } from './dto/upload-study.dto.js';
import { MAX_HL7_BYTES, parseOruR01 } from './hl7v2-oru.js';
import type { LabValue } from './lab-value.js';
import { describeRefusedMedia, SNIFF_BYTES, sniffMedia, UPLOAD_FORMATS } from './media-sniffer.js';
import { type CompletedUpload, ResumableUploads } from './resumable-uploads.js';
import type { StudyRecord } from './study-record.js';
import { type AcceptedFile, type FiledLabValue, StudyUploadRepository } from './study-upload.repository.js';
import { validateInput } from './validate-input.js';

/** A file in the object store, not yet filed: what a failed upload must remove. */
interface StagedFile {
  /** Position in the request: files finish streaming in any order, but are filed (and their lab values read) in this. */
  order: number;
  fileName: string;
  stored: AcceptedFile['stored'];
  prefix: Buffer;
}

const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_LAB_VALUES = 5000;
/** performedAt may run this far ahead of the hub's clock (a clinic PC's clock drifts). */
const CLOCK_SKEW_MS = 10 * 60_000;

const invalid = (message: string) => new DomainError('invalid', message);
const unprocessable = (message: string) => new DomainError('unprocessable', message);

/** A file name fit to show and to put in a download header: no path, no control characters, not empty. */
export function cleanFileName(raw: string | undefined): string {
  const base = path.posix.basename((raw ?? '').replaceAll('\\', '/'));
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

/**
 * Non-DICOM studies (ECG tracings, lab results, pathology slides): a multipart/form-data request whose `metadata` field
 * (JSON) comes first and whose `files` stream straight to the object store, or a JSON body naming completed resumable
 * uploads. Media types are sniffed from the bytes. Whatever is refused, nothing stays behind.
 */
@Injectable()
export class StudyUploadService {
  private readonly logger = new Logger('StudyUpload');

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly references: ObjectReferences,
    private readonly resumable: ResumableUploads,
    private readonly repository: StudyUploadRepository,
  ) {}

  async upload(actor: Actor, req: IncomingMessage & { body?: unknown }): Promise<StudyRecord> {
    if (!mayStoreStudies(actor)) throw forbidden('Only clinic staff of a member institution can upload studies');
    const staged: StagedFile[] = [];
    const reserved: CompletedUpload[] = [];
    let filed = false;
    try {
      const meta = await this.readRequest(req, staged);
      for (const id of meta.resumableUploads ?? []) {
        const upload = await this.resumable.reserve(actor, id);
        reserved.push(upload);
        staged.push({
          ...(await this.stage(upload.open(), upload.fileName, meta.discipline, Number.MAX_SAFE_INTEGER)),
          order: staged.length,
        });
      }
      staged.sort((x, y) => x.order - y.order);
      const { files, values } = this.interpret(meta, staged);
      const record = await this.repository.file(actor, meta, files, values);
      filed = true;
      return record;
    } finally {
      if (!filed) await this.discard(staged);
      for (const upload of reserved) await this.resumable.release(upload.id, filed);
    }
  }

  /**
   * Best effort, so the request's own error is the one the client sees; whatever cannot be removed now (the store is
   * unreachable) is unreferenced and goes with the next orphan sweep.
   */
  private async discard(staged: StagedFile[]): Promise<void> {
    for (const f of staged) {
      await this.references.deleteIfUnreferenced(f.stored.key).catch((err: Error) => {
        this.logger.warn(`could not remove an unfiled upload object yet (the orphan sweep will): ${err.message}`);
      });
    }
  }

  private async readRequest(req: IncomingMessage & { body?: unknown }, staged: StagedFile[]): Promise<UploadStudyDto> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json') return validateInput(UploadStudyDto, req.body);
    if (type === 'multipart/form-data') return this.readForm(req, staged);
    throw new DomainError(
      'unsupported_media_type',
      'Send multipart/form-data (a metadata field, then files) or application/json naming resumable uploads',
    );
  }

  private readForm(req: IncomingMessage, staged: StagedFile[]): Promise<UploadStudyDto> {
    const maxFiles = this.config.UPLOAD_MAX_FILES;
    return new Promise((resolve, reject) => {
      let form: busboy.Busboy;
      try {
        form = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { fields: 1, fieldSize: MAX_METADATA_BYTES, files: maxFiles, parts: maxFiles + 1 },
        });
      } catch (err) {
        reject(invalid(`Malformed multipart/form-data: ${(err as Error).message}`));
        return;
      }
      let meta: UploadStudyDto | undefined;
      let failure: unknown;
      const pending: Promise<unknown>[] = [];
      const fail = (err: unknown) => {
        failure ??= err;
      };
      form.on('field', (name, value, info) => {
        if (name !== 'metadata') return fail(invalid(`Unknown form field '${name}': send 'metadata', then 'files'`));
        if (info.valueTruncated) return fail(new DomainError('too_large', 'The metadata field is over 1 MiB'));
        try {
          meta = validateInput(UploadStudyDto, JSON.parse(value), 'metadata');
        } catch (err) {
          fail(err instanceof SyntaxError ? invalid('The metadata field is not valid JSON') : err);
        }
      });
      form.on('file', (name, stream, info) => {
        if (!failure && !meta) fail(invalid("Send the 'metadata' field before the files"));
        if (!failure && name !== 'files') fail(invalid(`Unknown form field '${name}': files go in 'files'`));
        if (failure) {
          stream.resume();
          return;
        }
        const limit = this.config.UPLOAD_MAX_FILE_BYTES;
        const order = pending.length;
        pending.push(
          this.stage(stream, info.filename, meta!.discipline, limit).then((f) => staged.push({ ...f, order }), fail),
        );
      });
      const tooMany = () =>
        fail(new DomainError('too_large', `More than ${maxFiles} files in one request (UPLOAD_MAX_FILES)`));
      form.on('filesLimit', tooMany);
      form.on('partsLimit', tooMany);
      form.on('fieldsLimit', () => fail(invalid("Only one form field is expected: 'metadata'")));
      const settle = () =>
        void Promise.allSettled(pending).then(() => {
          if (failure) reject(failure);
          else if (!meta) reject(invalid("The 'metadata' field is missing"));
          else resolve(meta);
        });
      form.on('error', (err: Error) => {
        fail(invalid(`Malformed multipart/form-data: ${err.message}`));
        req.unpipe(form);
        req.resume();
        settle();
      });
      form.on('close', settle);
      req.on('aborted', () => {
        fail(invalid('The request was aborted'));
        settle();
      });
      req.pipe(form);
    });
  }

  private async stage(body: Readable, fileName: string | undefined, discipline: string, maxBytes: number) {
    try {
      const { stored, prefix } = await streamToStore(
        this.store,
        body,
        discipline === 'lab' ? MAX_HL7_BYTES : SNIFF_BYTES,
        {
          maxBytes,
        },
      );
      return { fileName: cleanFileName(fileName), stored, prefix };
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'too_large') {
        throw new DomainError(
          'too_large',
          `File '${cleanFileName(fileName)}' is over ${maxBytes} bytes (UPLOAD_MAX_FILE_BYTES): send large files as resumable uploads (/api/uploads)`,
        );
      }
      throw err;
    }
  }

  /** Which files are what (from their bytes), and the lab values of the study. */
  private interpret(meta: UploadStudyDto, staged: StagedFile[]): { files: AcceptedFile[]; values: FiledLabValue[] } {
    const performedAt = new Date(meta.performedAt);
    if (performedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw unprocessable('performedAt lies in the future: check the date and the clinic computer’s clock');
    }
    const allowed = UPLOAD_FORMATS[meta.discipline];
    const values: FiledLabValue[] = (meta.labResults ?? []).map(fromDto);
    const files = staged.map((f, index): AcceptedFile => {
      const media = sniffMedia(f.prefix);
      if (!media || !allowed.includes(media.format)) {
        const what = media ? `a ${media.format} file` : describeRefusedMedia(f.prefix);
        throw new DomainError(
          'unsupported_media_type',
          `File '${f.fileName}' is ${what}; ${meta.discipline} studies accept ${allowed.join(', ')}`,
        );
      }
      if (media.format === 'json' || media.format === 'hl7v2') {
        if (f.stored.size > MAX_HL7_BYTES) {
          throw new DomainError('too_large', `Lab file '${f.fileName}' is over ${MAX_HL7_BYTES} bytes`);
        }
        values.push(...this.labValuesOf(f, media.format, meta).map((v) => ({ ...v, sourceFile: index })));
      }
      return { fileName: f.fileName, stored: f.stored, media };
    });
    if (meta.discipline !== 'lab' && values.length > 0) {
      throw unprocessable('labResults belong to lab studies (discipline "lab")');
    }
    if (values.length > MAX_LAB_VALUES) throw unprocessable(`More than ${MAX_LAB_VALUES} lab values in one study`);
    if (files.length === 0 && values.length === 0) {
      throw unprocessable(
        meta.discipline === 'lab'
          ? 'A lab study needs results: labResults, a JSON or HL7 v2 file, or a PDF report'
          : `A ${meta.discipline} study needs at least one file`,
      );
    }
    return { files, values };
  }

  private labValuesOf(f: StagedFile, format: 'json' | 'hl7v2', meta: UploadStudyDto): LabValue[] {
    if (format === 'hl7v2') {
      const message = parseOruR01(f.prefix);
      if (message.patientLocalId !== null && message.patientLocalId !== meta.patient.localId) {
        throw unprocessable(`HL7 file '${f.fileName}': PID-3 names another patient than metadata.patient.localId`);
      }
      return message.results;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(f.prefix.toString('utf8'));
    } catch {
      throw invalid(`JSON file '${f.fileName}' is not valid JSON`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { results?: unknown } | null)?.results;
    if (!Array.isArray(list))
      throw invalid(`JSON file '${f.fileName}' must hold an array of results or { "results": [...] }`);
    return list.map((item, i) => fromDto(validateInput(LabResultDto, item, `${f.fileName}[${i}]`)));
  }
}

function fromDto(dto: LabResultDto): LabValue {
  return {
    itemCode: dto.itemCode,
    itemName: dto.itemName,
    loinc: dto.loinc ?? null,
    value: dto.value,
    unit: dto.unit ?? null,
    referenceRange: dto.referenceRange ?? null,
    abnormalFlag: dto.abnormalFlag ?? null,
    observedAt: dto.observedAt ? new Date(dto.observedAt) : null,
  };
}
