"""A stand-in for boto3 on machines without it, with just what the handler
stubs use: the apigatewaymanagementapi client's post_to_connection, which
POSTs Data to {endpoint_url}/@connections/{ConnectionId} (unsigned), and
client.exceptions.ClientError carrying the HTTP status like botocore's.
"""

import urllib.error
import urllib.parse
import urllib.request


class ClientError(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.response = {"Error": {"Code": str(status)}, "ResponseMetadata": {"HTTPStatusCode": status}}


class _Exceptions:
    ClientError = ClientError


class _Client:
    exceptions = _Exceptions

    def __init__(self, endpoint_url):
        self._endpoint = endpoint_url.rstrip("/")

    def post_to_connection(self, ConnectionId, Data):
        url = f"{self._endpoint}/@connections/{urllib.parse.quote(ConnectionId, safe='')}"
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=Data, method="POST")).close()
        except urllib.error.HTTPError as err:
            raise ClientError(err.code) from err


def client(service_name, endpoint_url=None):
    if service_name != "apigatewaymanagementapi":
        raise ValueError(f"the fake boto3 has no {service_name} client")
    return _Client(endpoint_url)
