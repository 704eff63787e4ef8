import { Module, type DynamicModule } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { destination } from 'pino';
import { ServiceSettings } from '@switchboard/config';
import { HealthController } from './health.controller';
import { redactQuerySecrets, redactUrlSecrets } from './log-redaction';
import { collectProcessMetricsOnce } from './metrics';
import { ReadinessRegistry } from './readiness.registry';

/**
 * Structured JSON logs (pino), Prometheus metrics at `/metrics`, and `/health/live|ready`
 * for one service.
 */
@Module({})
export class ObservabilityModule {
  static forService(service: string): DynamicModule {
    collectProcessMetricsOnce();
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRootAsync({
          inject: [ServiceSettings],
          useFactory: (settings: ServiceSettings) => loggerParams(service, settings),
        }),
        PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: false } }),
      ],
      controllers: [HealthController],
      providers: [ReadinessRegistry],
      exports: [ReadinessRegistry],
    };
  }
}

/** JSON lines to stdout, readable lines at a terminal (`pretty`), or JSON lines to `LOG_FILE`. */
function loggerParams(service: string, settings: ServiceSettings): Params {
  const options: Options = {
    level: settings.LOG_LEVEL,
    base: { service },
    redact: ['req.headers.authorization', 'req.headers["x-internal-token"]'],
    // A verify token arrives in a query string (Meta's webhook verification): never logged.
    serializers: {
      req: (request: { url?: string; query?: unknown }) => {
        request.url = redactUrlSecrets(request.url);
        request.query = redactQuerySecrets(request.query);
        return request;
      },
    },
    // Probes and scrapes would drown the request log.
    autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
    ...(settings.LOG_FORMAT === 'pretty' &&
      !settings.LOG_FILE && {
        transport: {
          target: 'pino-pretty',
          options: {
            colorize: true,
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss.l',
            ignore: 'pid,hostname,service',
          },
        },
      }),
  };
  return {
    pinoHttp: settings.LOG_FILE
      ? [options, destination({ dest: settings.LOG_FILE, mkdir: true, sync: true })]
      : options,
  };
}
