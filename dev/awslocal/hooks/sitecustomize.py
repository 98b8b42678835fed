# wsdesign dev: sends a handler's connections to AWS host names
# (*.amazonaws.com, port 443) to wsdesign's local TLS front, given in
# WSDESIGN_AWS_FRONT as host:port. Name resolution is what every Python HTTP
# client goes through (socket.create_connection, urllib3, botocore), so the
# AWS host names resolve to the front; the host name itself is still what
# TLS sends (SNI) and checks. It also makes Python's TLS contexts trust
# wsdesign's CA (WSDESIGN_AWS_CA), and then runs the sitecustomize it hides.
import os
import socket
import ssl
import sys


def _wsdesign_install():
    front = os.environ.get("WSDESIGN_AWS_FRONT", "")
    host, _, port = front.rpartition(":")
    if not host or not port.isdigit():
        return
    port = int(port)
    original = socket.getaddrinfo

    def getaddrinfo(name, service, family=0, type=0, proto=0, flags=0):
        if (
            isinstance(name, (str, bytes))
            and (name.decode() if isinstance(name, bytes) else name).lower().rstrip(".").endswith(".amazonaws.com")
            and str(service) in ("443", "https")
        ):
            return original(host, port, family, type or socket.SOCK_STREAM, proto, flags)
        return original(name, service, family, type, proto, flags)

    socket.getaddrinfo = getaddrinfo

    ca = os.environ.get("WSDESIGN_AWS_CA", "")
    if not ca:
        return
    load_default = ssl.SSLContext.load_default_certs
    load_verify = ssl.SSLContext.load_verify_locations

    def load_default_certs(self, *args, **kwargs):
        load_default(self, *args, **kwargs)
        load_verify(self, cafile=ca)

    def load_verify_locations(self, *args, **kwargs):
        load_verify(self, *args, **kwargs)
        load_verify(self, cafile=ca)

    ssl.SSLContext.load_default_certs = load_default_certs
    ssl.SSLContext.load_verify_locations = load_verify_locations


def _wsdesign_chain():
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


try:
    _wsdesign_install()
except Exception as err:  # never stop the handler from starting
    print("wsdesign: AWS endpoints not redirected:", err, file=sys.stderr)
_wsdesign_chain()
