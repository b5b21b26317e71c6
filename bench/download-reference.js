#!/usr/bin/env node
// The reference of bench/download.js: a bare node:http server that pipes one upstream GET to its caller, nothing else.
// Run as a child process so its resident memory is its own. Usage: node bench/download-reference.js <port> <upstream url>
'use strict';
const http = require('node:http');

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
http
  .createServer((request, response) => {
    http.get(upstream, (source) => {
      response.writeHead(source.statusCode, { 'content-length': source.headers['content-length'], 'content-type': 'application/octet-stream' });
      source.pipe(response);
    });
  })
  .listen(port, '127.0.0.1', () => process.send?.('ready'));
