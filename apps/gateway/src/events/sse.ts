// Server-Sent Events framing (WHATWG HTML, "server-sent events"): one frame per event, a comment as heartbeat.

export interface SseFrame {
  id?: string;
  event?: string;
  data: unknown;
  /** Milliseconds a client waits before reconnecting. */
  retry?: number;
}

/** `data` as JSON; a line break in any field would start another field, so values are kept to one line each. */
export function sseFrame(frame: SseFrame): string {
  const lines: string[] = [];
  if (frame.retry !== undefined) lines.push(`retry: ${Math.floor(frame.retry)}`);
  if (frame.id !== undefined) lines.push(`id: ${oneLine(frame.id)}`);
  if (frame.event !== undefined) lines.push(`event: ${oneLine(frame.event)}`);
  // JSON.stringify escapes line breaks inside strings, so the data is one line; split anyway, as the format allows.
  for (const line of JSON.stringify(frame.data).split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/** A comment line: ignored by clients, but traffic to a proxy that closes idle connections. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

function oneLine(value: string): string {
  return value.replace(/[\r\n\0]/g, '');
}
