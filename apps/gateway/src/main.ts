import { runService } from '@switchboard/observability';
import { createGatewayApp } from './gateway-app';

async function bootstrap(): Promise<void> {
  await runService(await createGatewayApp());
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
