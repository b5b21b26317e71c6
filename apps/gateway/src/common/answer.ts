import type { FastifyReply } from 'fastify';
import type { WriteResult } from '@images/core';

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

/** What a finished synchronous write answers: the status, and whether the image's address goes in Location. */
export interface Done {
  status: 200 | 201 | 204;
  location?: boolean;
}

/**
 * 202 with Location while the vendor works: the operation to poll, else the image (the one answered, else `subject`,
 * the image the write was on); otherwise the finished answer.
 */
export function writeAnswer(result: WriteResult, done: Done, subject?: string): Answer {
  if (result.accepted) {
    const imageId = result.image?.id ?? subject;
    const location = result.operation ? operationPath(result.operation.id) : imageId !== undefined ? imagePath(imageId) : undefined;
    return { status: 202, headers: location ? { location } : {}, body: { image: result.image, operation: result.operation } };
  }
  if (done.status === 204 || result.image === null) return { status: 204 };
  return { status: done.status, headers: done.location ? { location: imagePath(result.image.id) } : {}, body: result.image };
}

/** The fields a caller sent (class-transformer leaves absent ones undefined). */
export function definedFields<T extends object>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;
}
