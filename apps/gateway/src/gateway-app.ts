import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { serveConsole } from './console/console-assets';
import { GatewayModule } from './gateway.module';
import { GatewaySettings } from './gateway-settings';
import { jsonBodyParser } from './problems/json-body-parser';
import { methodNotAllowed } from './problems/method-not-allowed';
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
  // The bulk parser goes first: a body it has read is not read again by the general one.
  app.use('/v1/bulk', jsonBodyParser(settings.BULK_BODY_LIMIT_BYTES));
  app.use(jsonBodyParser(settings.BODY_LIMIT_BYTES));
  app.useGlobalPipes(createValidationPipe());
  serveConsole(app, settings.CONSOLE_DIR);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription(
        'Customer controls of a chat inbox: block and unblock, tags, user details, segments, ' +
          'bulk tagging and campaigns. ' +
          'Every mutating call is a command on Kafka; errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // The Prometheus scrape endpoint is for operators, not part of the API.
  delete document.paths['/metrics'];
  closeRequestSchemas(document);
  app.use(methodNotAllowed(document));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Request bodies refuse unknown properties (the validation pipe forbids them): say so in the
 * document, for every schema a request body uses, nested ones included.
 */
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const pending: string[] = [];
  const referencedBy = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(referencedBy);
    } else if (value && typeof value === 'object') {
      for (const [key, nested] of Object.entries(value)) {
        if (key === '$ref' && typeof nested === 'string') {
          pending.push(nested.replace('#/components/schemas/', ''));
        } else {
          referencedBy(nested);
        }
      }
    }
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { requestBody?: unknown }[]) {
      referencedBy(operation?.requestBody);
    }
  }
  const closed = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop()!;
    const schema = schemas[name] as { additionalProperties?: unknown } | undefined;
    if (!schema || closed.has(name)) {
      continue;
    }
    closed.add(name);
    schema.additionalProperties = false;
    referencedBy(schema);
  }
}
