// Starts the telegram-test-api Bot API emulator on a free loopback port and
// prints "LISTENING <port>" once it accepts requests. The package has no CLI.
// Stops on SIGTERM/SIGINT or when stdin closes (the Go test ended).
'use strict';
const net = require('net');
const TelegramServer = require('telegram-test-api');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function main() {
  const port = Number(process.argv[2]) || await freePort();
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  process.stdout.write(`LISTENING ${port}\n`);
  const stop = async () => { await server.stop(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((err) => { console.error(err); process.exit(1); });
