#!/usr/bin/env node
// The reference of bench/download.js: a bare node:http server that pipes one upstream GET to its caller, nothing else.
// Run as a child process so its resident memory is its own. Usage: node bench/download-reference.js <port> <upstream url>
// GC_EVERY_MIB=N: a minor collection forced after every N MiB piped (what it would take to bound the growth).
'use strict';
const http = require('node:http');

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
const gcEveryBytes = Number(process.env.GC_EVERY_MIB || 0) * 2 ** 20;
const collect = gcEveryBytes > 0 ? exposedGc() : null;
let piped = 0;
let collectMs = 0;

function exposedGc() {
  require('node:v8').setFlagsFromString('--expose-gc');
  return require('node:vm').runInNewContext('gc');
}

http
  .createServer((request, response) => {
    http.get(upstream, (source) => {
      response.writeHead(source.statusCode, { 'content-length': source.headers['content-length'], 'content-type': 'application/octet-stream' });
      if (collect) {
        source.on('data', (chunk) => {
          piped += chunk.length;
          if (piped < gcEveryBytes) return;
          piped = 0;
          const started = performance.now();
          collect({ type: 'minor' });
          collectMs += performance.now() - started;
        });
      }
      source.pipe(response);
    });
  })
  .listen(port, '127.0.0.1', () => process.send?.('ready'));

process.on('message', (message) => message === 'collect-ms' && process.send?.({ collectMs }));
