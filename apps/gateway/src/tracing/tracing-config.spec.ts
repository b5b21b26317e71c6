import { thrownConfigError } from '@images/testing';
import { loadGatewayConfig } from '../config/gateway-config';
import { PROVIDER_REGISTRATIONS } from '../config/provider-registry';
import { otlpTracesUrl } from './tracing-config';

const didiOnly = { DIDI_TOKEN: 'token-abcdef', AUTH_DISABLED: 'true' };
const load = (env: Record<string, string>) => loadGatewayConfig({ ...didiOnly, ...env }, PROVIDER_REGISTRATIONS);

describe('OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('unset: tracing off', () => {
    expect(load({}).otlpEndpoint).toBeNull();
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).otlpEndpoint).toBeNull();
  });

  it('an http(s) URL is the collector; traces go to its /v1/traces', () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }).otlpEndpoint).toBe('http://otel-collector:4318');
    expect(otlpTracesUrl('http://otel-collector:4318')).toBe('http://otel-collector:4318/v1/traces');
    expect(otlpTracesUrl('https://collector.example/otlp/')).toBe('https://collector.example/otlp/v1/traces');
  });

  it.each(['otel-collector:4318', 'grpc://otel-collector:4317', 'http://collector:4318/?token=x', 'http:// bad host'])('fails fast naming the variable: %s', (value) => {
    const error = thrownConfigError(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: value }));
    expect(error.message).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
    expect(error.message).not.toContain('token=x');
  });

  it("keeps the collector's credentials (a URL password, the exporter's header values) among the secrets", () => {
    const config = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:p%40ss@collector.example',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=key-123,authorization=Basic%20abc',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=team-9',
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['p%40ss', 'p@ss', 'key-123', 'Basic%20abc', 'Basic abc', 'team-9']));
  });
});
