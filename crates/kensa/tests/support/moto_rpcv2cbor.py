"""moto_server that also speaks Smithy RPC v2 CBOR (used by the kensa tests).

The AWS SDK for Rust generates its CloudWatch client for the Smithy RPC v2
CBOR protocol only (`POST /service/GraniteServiceVersion20100801/operation/
DescribeAlarms`, `smithy-protocol: rpc-v2-cbor`). moto 5.2.5, the newest
release, serves CloudWatch over the awsQuery and awsJson1_0 protocols but not
over CBOR (getmoto/moto#9195: "no current (or planned) support"), so every
such call gets a 404.

This launcher runs moto's own server with one change in front of it: a CBOR
request for a service whose model also lists the `json` protocol is decoded
with botocore's CBOR reader against the operation's input shape, re-encoded
as the equivalent awsJson1_0 request and handed to moto unchanged; moto's
JSON answer is decoded against the output shape and re-encoded as CBOR with
botocore's CBOR writer. Only the wire format changes: every answer, error
included, is moto's.

Usage: python moto_rpcv2cbor.py -H 127.0.0.1 -p PORT (moto_server's options).
"""

import io
import json
import re
import sys

import botocore.session
from botocore.parsers import create_parser
from botocore.serialize import CBORSerializer, create_serializer

import moto.server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

OPERATION_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")
CBOR_CONTENT_TYPE = "application/cbor"


def cbor_services():
    """Service models, by JSON target prefix, that AWS serves over both
    RPC v2 CBOR and awsJson (the protocol this launcher translates to)."""
    session = botocore.session.get_session()
    services = {}
    for name in session.get_available_services():
        model = session.get_service_model(name)
        protocols = model.metadata.get("protocols", [model.protocol])
        prefix = model.metadata.get("targetPrefix")
        if prefix and "smithy-rpc-v2-cbor" in protocols and "json" in protocols:
            services[prefix] = model
    return services


class CborWriter(CBORSerializer):
    """botocore's CBOR encoder, for response bodies."""

    TIMESTAMP_FORMAT = "unixtimestamp"

    def encode(self, value, shape):
        body = bytearray()
        self._serialize_data_item(body, value, shape)
        return bytes(body)

    def encode_error(self, fields):
        # An error body is a map of text strings (`__type`, `message`).
        body = bytearray(self._get_initial_byte(self.MAP_MAJOR_TYPE, len(fields)))
        for key, value in fields.items():
            self._serialize_type_string(body, key, None, None)
            self._serialize_type_string(body, value, None, None)
        return bytes(body)


class RpcV2CborDispatcher(DomainDispatcherApplication):
    """moto's dispatcher with RPC v2 CBOR requests translated to awsJson."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = cbor_services()
        self.cbor_reader = create_parser("smithy-rpc-v2-cbor")
        self.json_reader = create_parser("json")
        self.json_writer = create_serializer("json", include_validation=False)
        self.cbor_writer = CborWriter()

    def __call__(self, environ, start_response):
        match = OPERATION_PATH.match(environ.get("PATH_INFO", ""))
        if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor" or not match:
            return super().__call__(environ, start_response)
        model = self.services.get(match.group(1))
        if model is None or match.group(2) not in model.operation_names:
            return super().__call__(environ, start_response)
        operation = model.operation_model(match.group(2))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        parameters = self.decode_request(body, operation)
        request = self.json_writer.serialize_to_request(parameters, operation)
        json_environ = dict(environ)
        json_environ.pop("HTTP_SMITHY_PROTOCOL", None)
        json_environ.pop("HTTP_ACCEPT", None)
        json_environ["PATH_INFO"] = "/"
        json_environ["QUERY_STRING"] = ""
        json_environ["CONTENT_TYPE"] = request["headers"]["Content-Type"]
        json_environ["HTTP_X_AMZ_TARGET"] = request["headers"]["X-Amz-Target"]
        json_environ["CONTENT_LENGTH"] = str(len(request["body"]))
        json_environ["wsgi.input"] = io.BytesIO(request["body"])

        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"] = status
            answer["headers"] = headers
            return lambda chunk: None

        chunks = super().__call__(json_environ, capture)
        try:
            json_body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status = answer["status"]
        headers = {name.lower(): value for name, value in answer["headers"]}
        code = int(status.split(" ", 1)[0])
        if code < 300:
            cbor_body = self.encode_result(json_body, headers, code, operation)
        else:
            cbor_body = self.encode_error(json_body)
        out_headers = [
            ("Content-Type", CBOR_CONTENT_TYPE),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Length", str(len(cbor_body))),
        ]
        for name in ("x-amzn-requestid", "x-amzn-query-error"):
            if name in headers:
                out_headers.append((name, headers[name]))
        start_response(status, out_headers)
        return [cbor_body]

    def decode_request(self, body, operation):
        if not body or operation.input_shape is None:
            return {}
        stream = self.cbor_reader.get_peekable_stream_from_bytes(body)
        raw = self.cbor_reader.parse_data_item(stream)
        return self.cbor_reader._parse_shape(operation.input_shape, raw)

    def encode_result(self, json_body, headers, code, operation):
        shape = operation.output_shape
        if shape is None:
            return self.cbor_writer.encode_error({})
        parsed = self.json_reader.parse(
            {"body": json_body, "headers": headers, "status_code": code}, shape
        )
        parsed.pop("ResponseMetadata", None)
        return self.cbor_writer.encode(parsed, shape)

    def encode_error(self, json_body):
        try:
            error = json.loads(json_body or b"{}")
        except ValueError:
            error = {"message": json_body.decode("utf-8", "replace")}
        fields = {}
        if "__type" in error:
            fields["__type"] = str(error["__type"])
        message = error.get("message", error.get("Message"))
        if message is not None:
            fields["message"] = str(message)
        return self.cbor_writer.encode_error(fields)


moto.server.DomainDispatcherApplication = RpcV2CborDispatcher

if __name__ == "__main__":
    sys.exit(moto.server.main())
