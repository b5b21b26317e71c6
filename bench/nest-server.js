#!/usr/bin/env node
// The floor of bench/ceiling.js: the smallest Nest app on the gateway's adapter (@nestjs/platform-fastify), one
// controller answering each path with the same fixed bytes as bench/bare-server.js, and nothing else: no guard, pipe,
// filter, hook, header or log line. What Nest alone costs over bare Fastify.
// Usage: node bench/nest-server.js <port> <answers.json>
'use strict';
require('reflect-metadata');
const { readFileSync } = require('node:fs');
const { Controller, Get, Module, Req, Res } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

const [port, file] = process.argv.slice(2);
const answers = JSON.parse(readFileSync(file, 'utf8'));
const byUrl = new Map(Object.entries(answers).map(([url, { contentType, body }]) => [url, { contentType, body: Buffer.from(body) }]));

class AnswersController {
  answer(request, reply) {
    if (request.headers['if-none-match'] !== undefined) return void reply.code(304);
    const answer = byUrl.get(request.url);
    if (!answer) return void reply.code(404);
    reply.type(answer.contentType);
    return answer.body;
  }
}
// Decorators applied by hand: this file runs as plain JavaScript.
Req()(AnswersController.prototype, 'answer', 0);
Res({ passthrough: true })(AnswersController.prototype, 'answer', 1);
Get('*')(AnswersController.prototype, 'answer', Object.getOwnPropertyDescriptor(AnswersController.prototype, 'answer'));
Controller()(AnswersController);
class AnswersModule {}
Module({ controllers: [AnswersController] })(AnswersModule);

NestFactory.create(AnswersModule, new FastifyAdapter(), { logger: false })
  .then((app) => app.listen(Number(port), '127.0.0.1'))
  .then(() => process.stdout.write('ready\n'))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
