// Context for target 1 (not a target): plain Fastify returning the same body, to separate
// Fastify's own cost from what our HTTP layer adds. Usage: node fastify-hello.mjs 127.0.0.1:PORT
import Fastify from 'fastify';
import { BODY } from '../lib/body.mjs';

const address = process.argv[2] ?? '127.0.0.1:0';
const colon = address.lastIndexOf(':');
const app = Fastify({ logger: false });
app.get('/*', async () => BODY);
await app.listen({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
const a = app.server.address();
process.stderr.write(JSON.stringify({ msg: 'listening', address: `http://${a.address}:${a.port}` }) + '\n');
// process.exit (not a kill) so that --cpu-prof writes its profile; do not wait on a slow close.
const stop = () => {
  setTimeout(() => process.exit(0), 2000).unref();
  app.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
