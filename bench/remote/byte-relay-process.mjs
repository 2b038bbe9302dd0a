// A relay that does nothing but relay: each request's bytes to the upstream (argv[2]) and the
// answer's bytes back as they come, a socket read and a write per streamed token. bench/remote runs
// it beside the remote-openai hop to show what any hop costs on the machine, parsing nothing.
import { Agent, createServer, request } from 'node:http';

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true });
const server = createServer((clientRequest, clientResponse) => {
  const relayed = request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: clientRequest.method,
      path: clientRequest.url,
      headers: clientRequest.headers,
      agent,
    },
    (answer) => {
      clientResponse.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(clientResponse);
    },
  );
  relayed.on('error', () => clientResponse.destroy());
  clientRequest.pipe(relayed);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.once('SIGINT', () => process.exit(0));
