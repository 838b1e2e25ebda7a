import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError, type DomainErrorKind, networkErrorCode } from '@hub/core';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  not_acceptable: HttpStatus.NOT_ACCEPTABLE,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  locked: HttpStatus.LOCKED,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

const reason = (status: number): string =>
  (HttpStatus[status] ?? 'ERROR')
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

/** The one place errors become HTTP: `{ statusCode, error, message, details? }`; internals never leak. */
@Catch()
export class HubExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    // The client went away mid-request (its upload was cut): nobody to answer, and not the hub's fault or an outage.
    if (
      http.getRequest<Request>().socket.destroyed &&
      !(exception instanceof DomainError || exception instanceof HttpException)
    ) {
      this.logger.warn('the client closed the connection before the request was complete');
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(describeForLog(exception));
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS[exception.kind];
      return { statusCode, error: reason(statusCode), message: exception.message, details: exception.details };
    }
    // Express's body parser fails before any handler: Nest wraps its error, we give it words a client can act on.
    const parserError = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(parserError)) {
      return {
        statusCode: parserError.status,
        error: reason(parserError.status),
        message: bodyParserMessage(parserError),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
      // ValidationPipe gives a list: keep every problem, each naming its field.
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const details = Array.isArray(raw) ? { problems: raw } : dependencyStates(res);
      return { statusCode, error: reason(statusCode), message, details };
    }
    if (isDatabaseOutage(exception)) {
      return {
        statusCode: 503,
        error: reason(503),
        message:
          'The database cannot be reached right now, so the request may not have been completed: check before you try again',
      };
    }
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on the hub; it has been logged',
    };
  }
}

/**
 * A server error for the log. Database messages quote the values they choke on (a name, an id), so for those only the
 * SQLSTATE and the stack frames are kept: no patient data in log lines.
 */
export function describeForLog(exception: unknown): string {
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: unknown } | undefined)?.code;
    const frames = (exception.stack ?? '').split('\n').slice(1).join('\n');
    return `database error ${typeof code === 'string' ? code : 'unknown'} (message withheld: it may quote values)\n${frames}`;
  }
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}

/**
 * The health check's 503 says which dependency is down; only `{ name: 'up' | 'down' }` goes out (the body is public,
 * and the checks' messages can name paths, hosts or buckets: those stay in the log).
 */
function dependencyStates(res: unknown): Record<string, unknown> | undefined {
  const checks = (res as { details?: unknown } | null)?.details;
  if (typeof checks !== 'object' || checks === null) return undefined;
  return Object.fromEntries(
    Object.entries(checks).map(([name, check]) => [
      name,
      (check as { status?: unknown })?.status === 'up' ? 'up' : 'down',
    ]),
  );
}

/**
 * The connection to PostgreSQL failed under the request (the server restarted, the connection was terminated, the
 * network dropped): SQLSTATE classes 08 (connection exception) and 57P01-57P03 (shutdown, cannot connect now), a
 * network error, or the driver's words for a connection that died under a transaction. (The object store's outages
 * arrive as DomainError 'unavailable'.)
 */
export function isDatabaseOutage(exception: unknown): boolean {
  const driverError = exception instanceof QueryFailedError ? exception.driverError : exception;
  const code = (driverError as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(08|57P0[123])/.test(code)) return true;
  if (networkErrorCode(driverError)) return true;
  // What TypeORM and pg say about a transaction whose connection died under it.
  const name = exception instanceof Error ? exception.name : '';
  if (name === 'QueryRunnerAlreadyReleasedError' || name === 'QueryRunnerProviderAlreadyReleasedError') return true;
  const message = exception instanceof Error ? exception.message : '';
  return (
    /^Connection terminated( unexpectedly)?$/.test(message) ||
    message === 'Client has encountered a connection error and is not queryable'
  );
}

interface BodyParserError {
  status: number;
  type: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  const err = e as Partial<BodyParserError> | null;
  return typeof err?.status === 'number' && typeof err.type === 'string' && err.status >= 400 && err.status < 500;
}

function bodyParserMessage(e: BodyParserError): string {
  if (e.type === 'entity.too.large') return 'The request body is larger than this endpoint accepts';
  if (e.type === 'entity.parse.failed') return 'The request body is not valid JSON';
  return 'The request body could not be read';
}
