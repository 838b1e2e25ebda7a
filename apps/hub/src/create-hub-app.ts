import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
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
  app.use(
    helmet({
      // Swagger UI at /docs needs inline scripts and styles; everything else is JSON. The console's image viewer
      // compiles its image codecs (WebAssembly) and draws its tool cursors from blob: SVG images.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
        },
      },
    }),
  );
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
