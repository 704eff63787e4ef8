import { runService } from '@switchboard/observability';
import { createContactsApp } from './contacts-app';

async function bootstrap(): Promise<void> {
  await runService(await createContactsApp());
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
