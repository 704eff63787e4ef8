import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { SwaggerModule } from '@nestjs/swagger';
import { KafkaBatchTransport } from '@switchboard/kafka';
import { serveConsole } from './console/console-assets';
import { GatewayModule } from './gateway.module';
import { GatewaySettings } from './gateway-settings';
import { createOpenApiDocument } from './openapi/openapi-document';
import { formBodyParser } from './problems/form-body-parser';
import { jsonBodyParser } from './problems/json-body-parser';
import { methodNotAllowed } from './problems/method-not-allowed';
import { createValidationPipe } from './problems/validation.pipe';

/**
 * Builds the gateway app: body limits, validation, problem documents, OpenAPI at `/docs`, and
 * the Kafka transport of its private readers.
 */
export async function createGatewayApp(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(environment), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  // hybrid: the private readers consume through the Kafka transport; HTTP config is not inherited
  app.connectMicroservice<MicroserviceOptions>({ strategy: app.get(KafkaBatchTransport) });
  const settings = app.get(GatewaySettings);
  // The bulk parser goes first: a body it has read is not read again by the general one.
  app.use('/v1/bulk', jsonBodyParser(settings.BULK_BODY_LIMIT_BYTES));
  // Channel platforms batch (Meta) and sign their bodies; Twilio posts forms, signed over their
  // parameters: parsed with the raw body kept.
  app.use('/v1/inbound/:tenantId/whatsapp', jsonBodyParser(settings.CHANNEL_BODY_LIMIT_BYTES));
  app.use('/v1/inbound/:tenantId/twilio', formBodyParser(settings.CHANNEL_BODY_LIMIT_BYTES));
  app.use(jsonBodyParser(settings.BODY_LIMIT_BYTES));
  app.useGlobalPipes(createValidationPipe());
  serveConsole(app, settings.CONSOLE_DIR);
  const document = createOpenApiDocument(app);
  app.use(methodNotAllowed(document));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
