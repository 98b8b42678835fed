// wsdesign dev: sends a handler's connections to AWS host names (*.amazonaws.com,
// port 443) to wsdesign's local TLS front, given in WSDESIGN_AWS_FRONT as
// host:port, keeping the host name for SNI and for the certificate check. It
// hooks the connection itself (net and tls), so that SDKs that resolve names
// their own way, or connect by an agent, are redirected too.
'use strict';

(function () {
  const front = process.env.WSDESIGN_AWS_FRONT || '';
  const colon = front.lastIndexOf(':');
  if (colon < 0) return;
  const frontHost = front.slice(0, colon);
  const frontPort = Number(front.slice(colon + 1));
  if (!frontHost || !frontPort) return;

  const net = require('net');
  const tls = require('tls');

  function isAWS(host) {
    return typeof host === 'string' && /\.amazonaws\.com\.?$/i.test(host);
  }

  // normalize turns the (options[, cb]) and (port[, host][, options][, cb])
  // forms of net.connect and tls.connect into [options, cb].
  function normalize(args) {
    let i = 0;
    let options = {};
    if (args[i] !== null && typeof args[i] === 'object') {
      options = Object.assign({}, args[i++]);
    } else {
      if (typeof args[i] === 'number' || (typeof args[i] === 'string' && /^\d+$/.test(args[i]))) {
        options.port = args[i++];
        if (typeof args[i] === 'string') options.host = args[i++];
      } else if (typeof args[i] === 'string') {
        options.path = args[i++];
      }
      if (args[i] !== null && typeof args[i] === 'object') {
        options = Object.assign({}, args[i++], options);
      }
    }
    return [options, typeof args[i] === 'function' ? args[i] : undefined];
  }

  // redirect rewrites options in place when they name an AWS host on port 443
  // (the default for TLS), and says whether it did.
  function redirect(options, defaultPort) {
    const port = Number(options.port === undefined ? defaultPort : options.port);
    if (options.path || options.socket || port !== 443 || !isAWS(options.host)) return false;
    options.servername = options.servername || options.host.replace(/\.$/, '');
    options.host = frontHost;
    options.port = frontPort;
    delete options.lookup;
    return true;
  }

  function wrap(mod, name, defaultPort) {
    const original = mod[name];
    mod[name] = function (...args) {
      const [options, cb] = normalize(args);
      if (!redirect(options, defaultPort)) return original.apply(this, args);
      return cb ? original.call(this, options, cb) : original.call(this, options);
    };
  }

  wrap(net, 'connect', undefined);
  wrap(net, 'createConnection', undefined);
  wrap(tls, 'connect', 443);
  require('module').syncBuiltinESMExports();
})();
