import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** Settings every service reads: HTTP port, Kafka, logging and shutdown. */
export class ServiceSettings {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /** Address to bind; 0.0.0.0 in containers. */
  @IsString()
  HOST: string = '127.0.0.1';

  @Transform(splitList)
  @IsString({ each: true })
  @Matches(/^[^\s:]+:\d+$/, {
    each: true,
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** Prefix of every topic name, so environments and test runs can share a cluster. */
  @Matches(/^[A-Za-z0-9._-]*$/)
  TOPIC_PREFIX: string = '';

  @IsInt()
  @Min(1)
  @Max(1000)
  TOPIC_PARTITIONS: number = 12;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** `json` (one object a line, for machines) or `pretty` (for a person at a terminal; `npm start` picks it on a TTY). */
  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  /** Where logs go instead of stdout, as JSON lines (the test suites use it). */
  @IsOptional()
  @IsString()
  LOG_FILE?: string;

  /** How long shutdown may take to drain in-flight work before the process exits anyway. */
  @IsInt()
  @Min(100)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /**
   * A consumed partition that has records to read and makes no progress for longer than this
   * (a dependency failing transiently, retried forever) makes the service not ready.
   */
  @IsInt()
  @Min(1_000)
  CONSUMER_STALL_MS: number = 60_000;

  /** Shared secret between our services for their internal HTTP endpoints. */
  @IsString()
  @MinLength(16)
  INTERNAL_API_TOKEN: string = 'switchboard-local-internal-token';
}

/** Settings of services that own MongoDB collections. */
export class StoreSettings extends ServiceSettings {
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must be a mongodb:// URI' })
  MONGODB_URI: string = 'mongodb://127.0.0.1:27017/';

  @Matches(/^[A-Za-z0-9_-]{1,63}$/)
  MONGODB_DB: string = 'switchboard';
}
