// Preloaded into servers the tests start (node -r loopback.js ...): kinesis-local binds 0.0.0.0 with no setting to
// change it, and test servers must listen on 127.0.0.1 only. Every listen() on a port is sent to 127.0.0.1.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'object' && args[0] !== null && !Array.isArray(args[0])) {
    if (args[0].port !== undefined) {
      args[0] = { ...args[0], host: '127.0.0.1' };
    }
  } else if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] === 'string') {
      args[1] = '127.0.0.1';
    } else {
      args.splice(1, 0, '127.0.0.1');
    }
  }
  return listen.apply(this, args);
};
