import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { GatewayModule } from './gateway.module';
import { GatewaySettings } from './gateway-settings';
import { jsonBodyParser } from './problems/json-body-parser';
import { createValidationPipe } from './problems/validation.pipe';

/** Builds the gateway app: body limits, validation, problem documents, OpenAPI at `/docs`. */
export async function createGatewayApp(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(environment), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const settings = app.get(GatewaySettings);
  app.use(jsonBodyParser(settings.BODY_LIMIT_BYTES));
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription(
        'Customer controls of a chat inbox: block and unblock, tags, user details. ' +
          'Every mutating call is a command on Kafka; errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
