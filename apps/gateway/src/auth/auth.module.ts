import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewaySettings } from '../gateway-settings';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TenantRateLimitGuard } from './tenant-rate-limit.guard';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [GatewaySettings],
      useFactory: (settings: GatewaySettings) => ({
        secret: settings.JWT_SECRET,
        verifyOptions: {
          algorithms: ['HS256'],
          issuer: settings.JWT_ISSUER,
          audience: settings.JWT_AUDIENCE,
        },
        signOptions: { algorithm: 'HS256', issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [GatewaySettings],
      useFactory: (settings: GatewaySettings) => ({
        throttlers: [{ ttl: settings.RATE_LIMIT_WINDOW_MS, limit: settings.RATE_LIMIT_PER_TENANT }],
      }),
    }),
  ],
  providers: [JwtAuthGuard, TenantRateLimitGuard],
  exports: [JwtModule, JwtAuthGuard, TenantRateLimitGuard, ThrottlerModule],
})
export class AuthModule {}
