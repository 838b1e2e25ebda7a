import { pipeline } from 'node:stream/promises';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { UploadStudyDto } from './dto/upload-study.dto.js';
import type { StudyRecord } from './study-record.js';
import { StudyRecordRepository } from './study-record.repository.js';
import { StudyUploadService } from './study-upload.service.js';

/** RFC 6266 Content-Disposition: an ASCII fallback and the exact UTF-8 name (Chinese file names survive). */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('studies')
@ApiBearerAuth()
@ApiExtraModels(UploadStudyDto)
@Controller('api/studies')
export class StudiesController {
  constructor(
    private readonly uploads: StudyUploadService,
    private readonly records: StudyRecordRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('clinic_technician', 'clinic_doctor')
  @ApiOperation({
    summary: 'Upload an ECG, lab or pathology study',
    description:
      'multipart/form-data: a `metadata` field (JSON, first) and any number of `files` (streamed; their type is ' +
      'sniffed from the bytes). Or application/json: the metadata alone, naming completed resumable uploads ' +
      '(`resumableUploads`, see /api/uploads) and/or carrying `labResults`. DICOM goes to /dicomweb/studies.',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['metadata'],
          properties: {
            metadata: { type: 'string', description: 'UploadStudyDto as JSON' },
            files: { type: 'array', items: { type: 'string', format: 'binary' } },
          },
        },
        { $ref: getSchemaPath(UploadStudyDto) },
      ],
    },
  })
  upload(@CurrentActor() actor: Actor, @Req() req: Request): Promise<StudyRecord> {
    return this.uploads.upload(actor, req);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A study (uploaded or DICOM) with its files, lab values and DICOM summary; audited' })
  get(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string): Promise<StudyRecord> {
    return this.records.get(actor, id);
  }

  @Get(':id/files/:fileId')
  @ApiOperation({ summary: 'Download one file of an uploaded study, byte for byte; audited' })
  @ApiProduces('application/octet-stream')
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('fileId', new ParseUUIDPipe()) fileId: string,
    @Res() res: Response,
  ): Promise<void> {
    const { file, body } = await this.records.openFile(actor, id, fileId);
    res.status(200).set({
      'Content-Type': file.mediaType,
      'Content-Length': String(file.size),
      'Content-Disposition': attachmentHeader(file.fileName),
      'Cache-Control': 'private, no-store',
      ETag: `"${file.sha256}"`,
    });
    await pipeline(body, res);
  }
}
