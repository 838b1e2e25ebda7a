import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor } from '@hub/core';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import { assertUid, dicomwebBase } from './dicomweb-paths.js';
import { parseQidoQuery } from './qido-query.js';
import { instanceResult, seriesResult, studyResult } from './qido-response.js';
import { StudyReadRepository } from './study-read.repository.js';

const send = (res: Response, results: DicomJsonDataset[]) => {
  res.status(200).type('application/dicom+json').send(JSON.stringify(results));
};

/** QIDO-RS (PS3.18 §10.6): search at study, series and instance level, answered in DICOM JSON. */
@ApiTags('dicomweb')
@ApiBearerAuth()
@Controller('dicomweb')
export class QidoController {
  constructor(private readonly reads: StudyReadRepository) {}

  @Get('studies')
  @ApiOperation({ summary: 'QIDO-RS: search for studies' })
  async studies(
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    const rows = await this.reads.searchStudies(actor, q);
    send(
      res,
      rows.map((s) => studyResult(dicomwebBase(req), s, q.includeFields)),
    );
  }

  @Get('series')
  @ApiOperation({ summary: 'QIDO-RS: search for series in all studies' })
  async allSeries(
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    send(
      res,
      (await this.reads.searchSeries(actor, q)).map((s) => seriesResult(dicomwebBase(req), s, q.includeFields)),
    );
  }

  @Get('studies/:study/series')
  @ApiOperation({ summary: 'QIDO-RS: search for series of a study' })
  async studySeries(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    const rows = await this.reads.searchSeries(actor, q, assertUid(study, 'StudyInstanceUID'));
    send(
      res,
      rows.map((s) => seriesResult(dicomwebBase(req), s, q.includeFields)),
    );
  }

  @Get('instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances in all studies' })
  async allInstances(
    @CurrentActor() actor: Actor,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    send(
      res,
      (await this.reads.searchInstances(actor, q)).map((i) => instanceResult(dicomwebBase(req), i, q.includeFields)),
    );
  }

  @Get('studies/:study/instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances of a study' })
  async studyInstances(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    const rows = await this.reads.searchInstances(actor, q, assertUid(study, 'StudyInstanceUID'));
    send(
      res,
      rows.map((i) => instanceResult(dicomwebBase(req), i, q.includeFields)),
    );
  }

  @Get('studies/:study/series/:series/instances')
  @ApiOperation({ summary: 'QIDO-RS: search for instances of a series' })
  async seriesInstances(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Query() raw: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const q = parseQidoQuery(raw);
    const rows = await this.reads.searchInstances(
      actor,
      q,
      assertUid(study, 'StudyInstanceUID'),
      assertUid(series, 'SeriesInstanceUID'),
    );
    send(
      res,
      rows.map((i) => instanceResult(dicomwebBase(req), i, q.includeFields)),
    );
  }
}
