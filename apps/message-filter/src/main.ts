import { runService } from '@switchboard/observability';
import { createMessageFilterApp } from './message-filter-app';

async function bootstrap(): Promise<void> {
  await runService(await createMessageFilterApp());
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
