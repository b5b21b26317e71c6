import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com), the scheme of Svix and others, close to Stripe's: an HMAC-SHA256 over
 * `{id}.{timestamp}.{body}`, base64, sent as `webhook-signature: v1,<sig>` beside `webhook-id` and
 * `webhook-timestamp` (Unix seconds). The timestamp lets a receiver refuse replays; the id, duplicates.
 */
export function webhookHeaders(secret: Buffer, deliveryId: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature(secret, deliveryId, timestampSeconds, body)}`,
  };
}

function signature(secret: Buffer, deliveryId: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${deliveryId}.${timestampSeconds}.${body}`).digest('base64');
}

/** What a receiver does (and the tests): any of the space-separated `v1,` signatures matches, in constant time. */
export function verifyWebhook(secret: Buffer, headers: Record<string, string | undefined>, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  if (!id || !Number.isInteger(timestamp)) return false;
  const expected = Buffer.from(signature(secret, id, timestamp, body));
  return (headers['webhook-signature'] ?? '').split(' ').some((candidate) => {
    const given = Buffer.from(candidate.startsWith('v1,') ? candidate.slice(3) : '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
