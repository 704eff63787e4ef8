import { ConfigurationError, parseEnvironment } from './parse-environment';
import { ServiceSettings } from './service-settings';

describe('parseEnvironment', () => {
  it('applies defaults and converts types', () => {
    const settings = parseEnvironment(ServiceSettings, { PORT: '4000', KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(settings.PORT).toBe(4000);
    expect(settings.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(settings.LOG_LEVEL).toBe('info');
  });

  it('fails naming every bad variable', () => {
    const run = () => parseEnvironment(ServiceSettings, { PORT: 'http', KAFKA_BROKERS: 'no-port' });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(/PORT[\s\S]*KAFKA_BROKERS|KAFKA_BROKERS[\s\S]*PORT/);
  });
});
