// axa's oauth2-mock-server: a lax test double, the kind of mock server the suite must
// catch. Started with its defaults and one RS256 key, on 127.0.0.1 only; prints its
// issuer on the first line of standard output.
//
//   node peers/oauth2-mock-server.mjs          (a free port)
//   node peers/oauth2-mock-server.mjs 4002
import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2]) || 0;
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(port, '127.0.0.1');
// It names itself "localhost" by default; the harness reaches it at 127.0.0.1.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`${server.issuer.url}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await server.stop();
    process.exit(0);
  });
}
