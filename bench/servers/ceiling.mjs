// The ceiling R (BENCHMARKING.md): a bare node:http server answering every request with a
// ~200-byte JSON body. Usage: node ceiling.mjs 127.0.0.1:PORT
import { createServer } from 'node:http';
import { BODY } from '../lib/body.mjs';

const [host, port] = splitAddress(process.argv[2] ?? '127.0.0.1:0');
const server = createServer((req, res) => {
  // Drain any request body so keep-alive works for POSTs too.
  req.resume();
  const body = JSON.stringify(BODY);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(port, host, () => {
  const a = server.address();
  process.stderr.write(JSON.stringify({ msg: 'listening', address: `http://${a.address}:${a.port}` }) + '\n');
});
// process.exit (not a kill) so that --cpu-prof writes its profile; do not wait on a slow close.
const stop = () => {
  setTimeout(() => process.exit(0), 2000).unref();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

function splitAddress(address) {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
