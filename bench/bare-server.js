#!/usr/bin/env node
// The reference of bench/ceiling.js: a bare Fastify 5 server answering each path with fixed bytes (the gateway's own,
// captured), and nothing else. Usage: node bench/bare-server.js <port> <answers.json>   ({ "/path?query": { "contentType", "body" } })
'use strict';
const { readFileSync } = require('node:fs');
const fastify = require('fastify')({ logger: false });

const [port, file] = process.argv.slice(2);
const answers = JSON.parse(readFileSync(file, 'utf8'));
const byUrl = new Map(Object.entries(answers).map(([url, { contentType, body }]) => [url, { contentType, body: Buffer.from(body) }]));

fastify.get('/*', (request, reply) => {
  // The reference for a conditional request: an empty 304 (bench/ceiling.js' If-None-Match round).
  if (request.headers['if-none-match'] !== undefined) return reply.code(304).send();
  const answer = byUrl.get(request.url);
  if (!answer) return reply.code(404).send();
  return reply.type(answer.contentType).send(answer.body);
});

fastify.listen({ port: Number(port), host: '127.0.0.1' }).then(() => process.stdout.write('ready\n'));
