"""An OTLP/HTTP receiver for the tracing tests: it decodes every export with OpenTelemetry's official
protobuf definitions (opentelemetry-proto), strictly (an unknown field or a wrong type is a 400), and
prints one JSON line per span on stdout. Its first line is {"port": N}."""

import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def hex_ids_to_base64(value):
    """OTLP's JSON mapping writes ids as hex; protobuf's JSON mapping of bytes is base64."""
    if isinstance(value, dict):
        return {
            key: base64.b64encode(bytes.fromhex(inner)).decode() if key in ID_FIELDS else hex_ids_to_base64(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [hex_ids_to_base64(inner) for inner in value]
    return value


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server convention)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            request = json_format.Parse(json.dumps(hex_ids_to_base64(json.loads(body))), ExportTraceServiceRequest())
        except Exception as error:  # a malformed export is the test's failure, reported to it
            print(json.dumps({"error": str(error)}), flush=True)
            self.send_response(400)
            self.end_headers()
            return
        for resource_spans in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}.get("service.name")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    attributes = {a.key: json_format.MessageToDict(a.value) for a in span.attributes}
                    print(
                        json.dumps(
                            {
                                "service": service,
                                "traceId": span.trace_id.hex(),
                                "spanId": span.span_id.hex(),
                                "parentSpanId": span.parent_span_id.hex(),
                                "name": span.name,
                                "kind": span.kind,
                                "start": span.start_time_unix_nano,
                                "end": span.end_time_unix_nano,
                                "status": span.status.code,
                                "attributes": {k: next(iter(v.values())) for k, v in attributes.items()},
                            }
                        ),
                        flush=True,
                    )
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
print(json.dumps({"port": server.server_address[1]}), flush=True)
sys.stdout.flush()
server.serve_forever()
