// Preloaded (NODE_OPTIONS=--import) into every Node process of the packaging test: any attempt
// to reach the network (DNS or a TCP/TLS connection to a host) is written to
// TPGUARD_NETWORK_LOG and fails. Unix sockets and pipes (process plumbing) stay allowed.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

const log = process.env.TPGUARD_NETWORK_LOG;

function deny(what) {
  if (log) appendFileSync(log, `${process.pid} ${process.argv.slice(1, 3).join(' ')}: ${what}\n`);
  return new Error(`offline packaging: network access attempted (${what})`);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const isPipe =
    typeof first === 'string' || (typeof first === 'object' && first !== null && typeof first.path === 'string');
  if (isPipe) return connect.apply(this, args);
  const target =
    typeof first === 'object' && first !== null ? `${first.host ?? 'localhost'}:${first.port}` : `port ${first}`;
  throw deny(`connect ${target}`);
};

const lookup = (hostname, _options, callback) => {
  const cb = typeof _options === 'function' ? _options : callback;
  process.nextTick(() => cb(deny(`dns lookup ${hostname}`)));
};
dns.lookup = lookup;
dns.promises.lookup = async (hostname) => {
  throw deny(`dns lookup ${hostname}`);
};
