import type { Cluster, Redis } from 'ioredis';

/**
 * The shared store's client: one server (or a Sentinel's master), or a Redis Cluster. Both speak the same commands;
 * every key used with another in one command shares a hash tag, so a cluster serves it from one slot.
 */
export type RedisClient = Redis | Cluster;
