import { Injectable, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Target = Type<unknown> | Function;

/**
 * Nest's Reflector for the guards, remembering what each route declares: they ask about 16 keys per request (the
 * rate limiter 6 for each named limit), each a walk of reflect-metadata's maps, and decorators do not change once
 * the app has started.
 */
@Injectable()
export class RouteMetadata extends Reflector {
  private readonly remembered = new WeakMap<Target, WeakMap<Target, Map<unknown, unknown>>>();

  override getAllAndOverride<TResult = unknown, TKey = unknown>(key: TKey, targets: Target[]): TResult {
    const [handler, controller] = targets;
    // The guards ask with [handler, controller]: a route's own pair, fixed once the app has started. Anything else is
    // read as Nest reads it.
    if (targets.length !== 2 || typeof handler !== 'function' || typeof controller !== 'function') return super.getAllAndOverride<TResult, TKey>(key, targets);
    let byController = this.remembered.get(handler);
    if (!byController) this.remembered.set(handler, (byController = new WeakMap()));
    let byKey = byController.get(controller);
    if (!byKey) byController.set(controller, (byKey = new Map()));
    if (!byKey.has(key)) byKey.set(key, super.getAllAndOverride<TResult, TKey>(key, targets));
    return byKey.get(key) as TResult;
  }
}
