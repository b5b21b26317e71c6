import type { FastifyReply } from 'fastify';

/** What a service answers when status and headers depend on the outcome (202 or 200/201/204, a Location…). */
export interface Answer<T = unknown> {
  status: number;
  headers?: Record<string, string>;
  /** Absent for 204. */
  body?: T;
}

/** Applies an Answer to a passthrough reply; the controller returns what this returns (Nest serialises it). */
export function send<T>(reply: FastifyReply, answer: Answer<T>): T | undefined {
  reply.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  return answer.body;
}

/** A gateway id as a path segment: encoded, but with the `provider:` colon kept readable. */
export function idSegment(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}

export const imagePath = (id: string) => `/images/${idSegment(id)}`;
export const operationPath = (id: string) => `/operations/${idSegment(id)}`;
