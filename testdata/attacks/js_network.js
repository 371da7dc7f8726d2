// attack: connects to the host's Redis, PostgreSQL and HTTP port and to the internet
// expect: COMPLETED
// stdout: "127.0.0.1:6379 blocked\n127.0.0.1:5432 blocked\n127.0.0.1:http blocked\n1.1.1.1:443 blocked\n"
// lacks: $SECRET
const net = require('net');
const targets = [['127.0.0.1', 6379], ['127.0.0.1', 5432], ['127.0.0.1', +process.argv[2]], ['1.1.1.1', 443]];
(async () => {
  for (const [host, port] of targets) {
    const label = port === +process.argv[2] ? `${host}:http` : `${host}:${port}`;
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: 2000 }, () => { s.end('GET / HTTP/1.0\r\n\r\n'); resolve(true); });
      s.on('error', () => resolve(false));
      s.on('timeout', () => { s.destroy(); resolve(false); });
    });
    console.log(label, ok ? 'connected' : 'blocked');
  }
})();
