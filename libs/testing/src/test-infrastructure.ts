import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type InfrastructureSource = 'environment' | 'testcontainers' | 'local-stack';

/** Whether a Docker engine answers here (the CLI alone is not enough). */
export function dockerEngineAnswers(): boolean {
  if (!existsSync('/var/run/docker.sock') && !process.env.DOCKER_HOST) {
    return false;
  }
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the integration suites get Kafka and the store: `KAFKA_BROKERS`/`MONGODB_URI` when
 * set; otherwise Testcontainers when a Docker engine answers; otherwise the local stack.
 */
export function chooseInfrastructure(environment: NodeJS.ProcessEnv = process.env): InfrastructureSource {
  if (environment.KAFKA_BROKERS && environment.MONGODB_URI) {
    return 'environment';
  }
  return dockerEngineAnswers() ? 'testcontainers' : 'local-stack';
}
