// attack: the families node needs still work after the socket-family rule: a unix socket, loopback TCP over IPv4 and IPv6, interface listing (netlink); node has no API for other families
// expect: COMPLETED
// [ipv6] stdout: "unix ok\ninet ok\ninet6 ok\ninterfaces lo\n"
// [!ipv6] stdout: "unix ok\ninet ok\ninet6 EAFNOSUPPORT\ninterfaces lo\n"
const net = require('net');
const os = require('os');
function roundTrip(listenArgs, connectTo) {
  return new Promise((resolve) => {
    const srv = net.createServer((c) => c.on('data', (d) => { c.end(); srv.close(); resolve(d.toString() === 'ping' ? 'ok' : 'broken'); }));
    srv.on('error', (e) => resolve(e.code));
    srv.listen(...listenArgs, () => {
      const c = net.connect(connectTo(srv.address()), () => c.end('ping'));
      c.on('error', (e) => resolve(e.code));
    });
  });
}
(async () => {
  console.log('unix', await roundTrip(['/tmp/s.sock'], () => ({ path: '/tmp/s.sock' })));
  console.log('inet', await roundTrip([0, '127.0.0.1'], (a) => ({ host: '127.0.0.1', port: a.port })));
  console.log('inet6', await roundTrip([0, '::1'], (a) => ({ host: '::1', port: a.port })));
  console.log('interfaces', Object.keys(os.networkInterfaces()).sort().join(' '));
})();
