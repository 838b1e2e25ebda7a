import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { assertUid, dicomwebBase } from './dicomweb-paths.js';
import { StowService } from './stow.service.js';

@ApiTags('dicomweb')
@ApiBearerAuth()
@Controller('dicomweb')
@Roles('clinic_technician', 'clinic_doctor')
export class StowController {
  constructor(private readonly stow: StowService) {}

  @Post('studies')
  @HttpCode(200)
  @ApiOperation({ summary: 'STOW-RS: store instances (multipart/related; type="application/dicom")' })
  @ApiConsumes('multipart/related')
  async storeAny(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.respond(actor, req, res);
  }

  @Post('studies/:study')
  @HttpCode(200)
  @ApiOperation({ summary: 'STOW-RS: store instances of one study; instances of another study fail (0xA900)' })
  @ApiConsumes('multipart/related')
  async storeInStudy(
    @CurrentActor() actor: Actor,
    @Param('study') study: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.respond(actor, req, res, assertUid(study, 'StudyInstanceUID'));
  }

  private async respond(actor: Actor, req: Request, res: Response, expectedStudyUid?: string): Promise<void> {
    const { status, body } = await this.stow.store(actor, {
      body: req,
      contentType: req.headers['content-type'],
      contentLength: req.headers['content-length'],
      base: dicomwebBase(req),
      expectedStudyUid,
    });
    res.status(status).type('application/dicom+json').send(JSON.stringify(body));
  }
}
