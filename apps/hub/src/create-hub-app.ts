import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { HUB_CONFIG, type HubConfig, HubMetrics, loadHubConfig } from '@hub/core';
import { DatabaseRuntime } from '@hub/db';
import { AppModule } from './app.module.js';
import { HubExceptionFilter } from './http/exception.filter.js';
import { NulCharactersInterceptor } from './http/nul-characters.interceptor.js';
import { requestContextMiddleware } from './http/request-context.middleware.js';
import { requestMetricsMiddleware } from './http/request-metrics.middleware.js';
import { serveWebConsole } from './http/web-console.js';
import { HubIoAdapter } from './realtime/hub-io-adapter.js';

/**
 * Helmet's headers, with a Content-Security-Policy per part: the console runs no inline script (an injected handler or
 * <script> cannot run even if one reached the page); only Swagger UI at /docs needs inline scripts. The console's
 * image viewer compiles its codecs (WebAssembly) and draws its tool cursors from blob: SVG images.
 */
function securityHeaders(): RequestHandler {
  const withScripts = (scriptSrc: string[]) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': scriptSrc,
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
        },
      },
    });
  const consolePolicy = withScripts(["'self'", "'wasm-unsafe-eval'"]);
  const docsPolicy = withScripts(["'self'", "'unsafe-inline'"]);
  return (req, res, next) => (/^\/docs(\/|$)/.test(req.path) ? docsPolicy : consolePolicy)(req, res, next);
}

/** Builds the hub exactly as it runs in production; main.ts listens, tests use it as it is. */
export async function createHubApp(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  loadHubConfig(env); // fail fast, with every problem listed, before anything starts
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bufferLogs: true,
    bodyParser: false,
  });
  const config = app.get<HubConfig>(HUB_CONFIG);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(requestMetricsMiddleware(app.get(HubMetrics)));
  app.use(securityHeaders());
  app.use(requestContextMiddleware);
  serveWebConsole(app, config.WEB_DIR);
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalInterceptors(new NulCharactersInterceptor());
  app.useGlobalFilters(new HubExceptionFilter());
  app.useWebSocketAdapter(new HubIoAdapter(app, config, app.get(DatabaseRuntime).urls.appUrl, app.get(HubMetrics)));
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Consortium Diagnostic Hub')
      .setDescription('基层检查、上级诊断、区域互认: ingest, reading queues, mutual recognition, consultation')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
