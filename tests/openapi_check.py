"""Check an API response against the OpenAPI schema the project publishes at /api/schema/.

The same check as schemathesis's `response_schema_conformance` (tests/fuzz/run.sh), in-process, so a schema
defect the fuzzer found stays fixed: the documented response of (method, path, status) is turned into plain JSON
Schema (`$ref`s inlined, OpenAPI's `nullable` as a null alternative) and the body validated with jsonschema.
"""

from __future__ import annotations

import json
from functools import lru_cache

import jsonschema
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@lru_cache(maxsize=1)
def api_schema() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _plain(node, components: dict):
    if isinstance(node, list):
        return [_plain(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _plain(components[node["$ref"].rsplit("/", 1)[-1]], components)
    plain = {key: _plain(value, components) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [plain, {"type": "null"}]}
    return plain


def documented_response(method: str, path: str, status: int) -> dict:
    """The JSON Schema of the documented response; a KeyError if (method, path, status) is not documented."""
    schema = api_schema()
    response = schema["paths"][path][method.lower()]["responses"][str(status)]
    return _plain(response["content"]["application/json"]["schema"], schema["components"]["schemas"])


def assert_matches_schema(response, method: str, path: str) -> None:
    """The response's status is documented for the operation and its JSON body fits the documented schema."""
    jsonschema.validate(response.json(), documented_response(method, path, response.status_code))
