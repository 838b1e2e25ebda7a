import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type Actor, CurrentActor } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { assertUid } from './dicomweb-paths.js';
import { sendDicomMultipart } from './multipart-writer.js';
import { type RetrievalTarget, StudyReadRepository } from './study-read.repository.js';
import { acceptedTransferSyntax, assertServable } from './wado-accept.js';

/** WADO-RS (PS3.18 §10.4): instances byte-identical to what was stored, and their metadata as DICOM JSON. */
@ApiTags('dicomweb')
@ApiBearerAuth()
@Controller('dicomweb/studies/:study')
export class WadoController {
  constructor(
    private readonly reads: StudyReadRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'WADO-RS: retrieve a study' })
  study(
    @CurrentActor() a: Actor,
    @Param('study') study: string,
    @Headers('accept') accept: string,
    @Res() res: Response,
  ) {
    return this.retrieve(a, { study: assertUid(study, 'StudyInstanceUID') }, accept, res);
  }

  @Get('metadata')
  @ApiOperation({ summary: 'WADO-RS: metadata of a study' })
  studyMetadata(@CurrentActor() a: Actor, @Param('study') study: string, @Res() res: Response) {
    return this.metadata(a, { study: assertUid(study, 'StudyInstanceUID') }, res);
  }

  @Get('series/:series')
  @ApiOperation({ summary: 'WADO-RS: retrieve a series' })
  series(
    @CurrentActor() a: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Headers('accept') accept: string,
    @Res() res: Response,
  ) {
    return this.retrieve(a, this.target(study, series), accept, res);
  }

  @Get('series/:series/metadata')
  @ApiOperation({ summary: 'WADO-RS: metadata of a series' })
  seriesMetadata(
    @CurrentActor() a: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Res() res: Response,
  ) {
    return this.metadata(a, this.target(study, series), res);
  }

  @Get('series/:series/instances/:instance')
  @ApiOperation({ summary: 'WADO-RS: retrieve an instance' })
  instance(
    @CurrentActor() a: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Headers('accept') accept: string,
    @Res() res: Response,
  ) {
    return this.retrieve(a, this.target(study, series, instance), accept, res);
  }

  @Get('series/:series/instances/:instance/metadata')
  @ApiOperation({ summary: 'WADO-RS: metadata of an instance' })
  instanceMetadata(
    @CurrentActor() a: Actor,
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Res() res: Response,
  ) {
    return this.metadata(a, this.target(study, series, instance), res);
  }

  private target(study: string, series: string, instance?: string): RetrievalTarget {
    return {
      study: assertUid(study, 'StudyInstanceUID'),
      series: assertUid(series, 'SeriesInstanceUID'),
      ...(instance ? { instance: assertUid(instance, 'SOPInstanceUID') } : {}),
    };
  }

  private async retrieve(
    actor: Actor,
    target: RetrievalTarget,
    accept: string | undefined,
    res: Response,
  ): Promise<void> {
    const requested = acceptedTransferSyntax(accept);
    const instances = await this.reads.forRetrieval(actor, target, 'dicomweb.wado.retrieve', false);
    assertServable(
      requested,
      instances.map((i) => i.transferSyntaxUid),
    );
    await sendDicomMultipart(res, this.store, instances);
  }

  private async metadata(actor: Actor, target: RetrievalTarget, res: Response): Promise<void> {
    const instances = await this.reads.forRetrieval(actor, target, 'dicomweb.wado.metadata', true);
    res
      .status(200)
      .type('application/dicom+json')
      .send(JSON.stringify(instances.map((i) => i.metadata)));
  }
}
