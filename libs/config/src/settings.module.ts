import { Module, type DynamicModule } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { parseEnvironment } from './parse-environment';
import { ServiceSettings, StoreSettings } from './service-settings';

/**
 * Provides an app's settings class, parsed once when the app boots, under its own class
 * and under the shared base classes the libraries inject.
 */
@Module({})
export class SettingsModule {
  static forRoot<T extends ServiceSettings>(
    settings: ClassConstructor<T>,
    environment: NodeJS.ProcessEnv = process.env,
  ): DynamicModule {
    const aliases = [ServiceSettings, StoreSettings].filter(
      (base) => base === settings || settings.prototype instanceof base,
    );
    return {
      module: SettingsModule,
      global: true,
      providers: [
        { provide: settings, useFactory: () => parseEnvironment(settings, environment) },
        ...aliases
          .filter((base) => base !== settings)
          .map((base) => ({ provide: base, useExisting: settings })),
      ],
      exports: [settings, ...aliases],
    };
  }
}
