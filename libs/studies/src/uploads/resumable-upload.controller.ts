import { Controller, Delete, Head, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { ResumableUploads } from './resumable-uploads.js';

const TUS = 'tus 1.0.0 resumable upload protocol (creation, termination, expiration extensions)';

/** The tus endpoints; the protocol itself is served by @tus/server, behind the hub's authentication and ownership. */
@ApiTags('uploads')
@ApiBearerAuth()
@Roles('clinic_technician', 'clinic_doctor')
@Controller('api/uploads')
export class ResumableUploadController {
  constructor(private readonly uploads: ResumableUploads) {}

  @Post()
  @ApiOperation({ summary: 'Start a resumable upload (Upload-Length, Upload-Metadata filename)', description: TUS })
  create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.uploads.handle(actor, undefined, req, res);
  }

  @Head(':id')
  @ApiOperation({ summary: 'How many bytes of the upload the hub has (Upload-Offset)', description: TUS })
  offset(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(actor, id, req, res);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Append bytes at Upload-Offset (application/offset+octet-stream)', description: TUS })
  append(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(actor, id, req, res);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Abandon an upload', description: TUS })
  abandon(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.uploads.handle(actor, id, req, res);
  }
}
