import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_TYPES } from '../events/event-bus';
import { loadWebhookTargets } from './webhook-targets';

describe('loadWebhookTargets (WEBHOOKS_FILE)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'webhooks-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string, name = 'webhooks.yaml') => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const failure = (path: string) => {
    try {
      loadWebhookTargets(path);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('is off without a file', () => {
    expect(loadWebhookTargets(null)).toEqual({ targets: [], secrets: [] });
  });

  it('reads YAML and JSON receivers, `*` as every type, a whsec_ secret as its base64 key, and a secret from a file', () => {
    const secretPath = file('a-secret-from-a-mounted-file\n', 'secret');
    const yaml = loadWebhookTargets(file(`webhooks:
  - name: ci
    url: https://hooks.example.com/in?token=t0ken-in-query
    events: [image.added, image.removed]
    secret: whsec_${Buffer.from('sixteen-byte-key!').toString('base64')}
  - url: http://127.0.0.1:9/x
    events: ["*"]
    secretFile: ${secretPath}
`));
    expect(yaml.targets.map((target) => [target.name, target.url.host, [...target.events]])).toEqual([
      ['ci', 'hooks.example.com', ['image.added', 'image.removed']],
      ['webhook-1', '127.0.0.1:9', [...EVENT_TYPES]],
    ]);
    expect(yaml.targets[0].secret.toString()).toBe('sixteen-byte-key!');
    expect(yaml.targets[1].secret.toString()).toBe('a-secret-from-a-mounted-file');
    // The secrets and the URLs (a query may be a credential) join the redactor's list.
    expect(yaml.secrets).toEqual(expect.arrayContaining(['a-secret-from-a-mounted-file', 'token=t0ken-in-query', 'https://hooks.example.com/in?token=t0ken-in-query']));

    const json = loadWebhookTargets(file(JSON.stringify({ webhooks: [{ url: 'https://a.example/h', events: ['provider.degraded'], secret: 'x'.repeat(16) }] }), 'w.json'));
    expect([...json.targets[0].events]).toEqual(['provider.degraded']);
  });

  it.each([
    ['webhooks: []', 'must hold {"webhooks": [ … ]}'],
    ['webhooks:\n  - url: ftp://a/b\n    events: ["*"]\n    secret: sixteen-bytes-long', 'webhooks[0] url: must be an http:// or https:// URL'],
    ['webhooks:\n  - url: https://a/b\n    events: [image.exploded]\n    secret: sixteen-bytes-long', 'webhooks[0] events: must be a list of event types'],
    ['webhooks:\n  - url: https://a/b\n    events: ["*"]', 'webhooks[0] secret: is missing'],
    ['webhooks:\n  - url: https://a/b\n    events: ["*"]\n    secret: short-secret', 'webhooks[0] secret: must be at least 16 bytes'],
    ['webhooks:\n  - url: https://a/b\n    events: ["*"]\n    secret: sixteen-bytes-long\n    retries: 3', 'webhooks[0] retries: unknown field'],
    ['webhooks:\n  - url: https://a/b\n    events: ["*"]\n    secret: sixteen-bytes-long\n    secretFile: /nope', 'webhooks[0] secretFile: and secret are both set'],
    ['webhooks:\n  - {name: a, url: "https://a/b", events: ["*"], secret: sixteen-bytes-long}\n  - {name: a, url: "https://c/d", events: ["*"], secret: sixteen-bytes-long}', 'webhooks[1] name: a is used by an earlier receiver too'],
    ['webhooks: [ {', 'is not valid YAML or JSON'],
  ])('refuses %j naming the file, the entry and the field', (text, reason) => {
    const path = file(text);
    const message = failure(path);
    expect(message).toContain(`WEBHOOKS_FILE ${path}: `);
    expect(message).toContain(reason);
    expect(message).not.toContain('sixteen-bytes-long');
  });

  it('refuses an unreadable file or secret file by path, never by content', () => {
    expect(failure(join(dir, 'missing.yaml'))).toContain('missing.yaml');
    const message = failure(file(`webhooks:\n  - url: https://a/b\n    events: ["*"]\n    secretFile: ${join(dir, 'gone')}`));
    expect(message).toContain('webhooks[0] secretFile:');
  });
});
