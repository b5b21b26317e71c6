import type { AxiosRequestConfig } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';

/** A keep-alive pool of `size` sockets, which is also the cap on concurrent requests through it. */
export function pooledAgents(size: number): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const agentOptions = { keepAlive: true, maxSockets: size, maxFreeSockets: size, scheduling: 'lifo' as const };
  return { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
}


/**
 * A vendor's axios defaults, as its Nest module registers them (`HttpModule.register`): the keep-alive pool and a
 * backstop timeout. What every call needs to be read correctly (raw text, no redirects, no proxy) is set per call by
 * UpstreamHttp, so it never depends on how the instance was made.
 */
export function upstreamAxiosConfig(options: { maxSockets: number; timeoutMs?: number }): AxiosRequestConfig {
  return { ...pooledAgents(Math.max(1, options.maxSockets)), ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}) };
}
