import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor } from '@hub/core';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import { assertUid, dicomwebBase } from './dicomweb-paths.js';
import { parseQidoQuery, type QidoQuery } from './qido-query.js';
import { instanceResult, seriesResult, studyResult } from './qido-response.js';
import { StudyReadRepository } from './study-read.repository.js';

type Raw = Record<string, unknown>;

/** Parse the query, search, answer DICOM JSON: the same three steps at every level. */
async function answer<T>(
  raw: Raw,
  req: Request,
  res: Response,
  search: (q: QidoQuery) => Promise<T[]>,
  toJson: (base: string, row: T, include: QidoQuery['includeFields']) => DicomJsonDataset,
): Promise<void> {
  const q = parseQidoQuery(raw);
  const rows = await search(q);
  const base = dicomwebBase(req);
  res
    .status(200)
    .type('application/dicom+json')
    .send(JSON.stringify(rows.map((row) => toJson(base, row, q.includeFields))));
}

/** QIDO-RS (PS3.18 §10.6): search at study, series and instance level, answered in DICOM JSON. */
@ApiTags('dicomweb')
@ApiBearerAuth()
@Controller('dicomweb')
export class QidoController {
  constructor(private readonly reads: StudyReadRepository) {}

  @Get('studies')
  @ApiOperation({ summary: 'QIDO-RS: search for studies' })
  studies(@CurrentActor() actor: Actor, @Query() raw: Raw, @Req() req: Request, @Res() res: Response) {
    return answer(raw, req, res, (q) => this.reads.searchStudies(actor, q), studyResult);
  }

  @Get('series')
  @ApiOperation({ summary: 'QIDO-RS: search for series in all studies' })
  allSeries(@CurrentActor() actor: Actor, @Query() raw: Raw, @Req() req: Request, @Res() res: Response) {
    return answer(raw, req, res, (q) => this.reads.searchSeries(actor, q), seriesResult);
  }

  @Get('studies/:study/series')
  @ApiOperation({ summary: 'QIDO-RS: search for series of a study' })
  studySeries(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Query() raw: Raw,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const studyUid = assertUid(study, 'StudyInstanceUID');
    return answer(raw, req, res, (q) => this.reads.searchSeries(actor, q, studyUid), seriesResult);
  }

  @Get('instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances in all studies' })
  allInstances(@CurrentActor() actor: Actor, @Query() raw: Raw, @Req() req: Request, @Res() res: Response) {
    return answer(raw, req, res, (q) => this.reads.searchInstances(actor, q), instanceResult);
  }

  @Get('studies/:study/instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances of a study' })
  studyInstances(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Query() raw: Raw,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const studyUid = assertUid(study, 'StudyInstanceUID');
    return answer(raw, req, res, (q) => this.reads.searchInstances(actor, q, studyUid), instanceResult);
  }

  @Get('studies/:study/series/:series/instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances of a series' })
  seriesInstances(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Query() raw: Raw,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const studyUid = assertUid(study, 'StudyInstanceUID');
    const seriesUid = assertUid(series, 'SeriesInstanceUID');
    return answer(raw, req, res, (q) => this.reads.searchInstances(actor, q, studyUid, seriesUid), instanceResult);
  }
}
