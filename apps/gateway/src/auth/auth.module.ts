import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { GatewaySettings } from '../gateway-settings';
import { JwtAuthGuard } from './jwt-auth.guard';

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
  ],
  providers: [JwtAuthGuard],
  exports: [JwtModule, JwtAuthGuard],
})
export class AuthModule {}
