import { BadRequestException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { findNulCharacter, nulCharacterMessage } from '@hub/core';

/** Refuses a request whose path parameters, query or JSON body hold the NUL character, before any handler runs. */
export class NulCharactersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const where =
        findNulCharacter(req.params, 'path') ??
        findNulCharacter(req.query, 'query') ??
        (typeof req.body === 'object' ? findNulCharacter(req.body, 'body') : null);
      if (where) {
        throw new BadRequestException(nulCharacterMessage(where));
      }
    }
    return next.handle();
  }
}
