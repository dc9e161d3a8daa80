// Target 1: the server's real HTTP layer (Fastify, LIST takeover, body reading, request
// translation, response writing) in front of a trivial Pipeline returning the ceiling's body.
// Usage: node http-trivial.mjs 127.0.0.1:PORT
import { createHttpServer } from '../../packages/server/dist/http/create-http-server.js';
import { BODY } from '../lib/body.mjs';

const address = process.argv[2] ?? '127.0.0.1:0';
const pipeline = { handle: async () => ({ status: 200, body: BODY }) };
const http = await createHttpServer({
  pipeline,
  listener: { address, tls_disable: true, max_request_size: 33554432 },
});
process.stderr.write(JSON.stringify({ msg: 'listening', address: http.url }) + '\n');
// process.exit (not a kill) so that --cpu-prof writes its profile; do not wait on a slow close.
const stop = () => {
  setTimeout(() => process.exit(0), 2000).unref();
  http.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
