#!/usr/bin/env python3
"""Checks recorded AWS request parameters against botocore's service models.

Reads a JSON array from stdin, one object per captured request:

    {"service": "rds", "operation": "DescribeDBClusters",
     "params": ["Filters.Filter.1.Name", ...]          # or {"name": "value", ...}
     "version": "2014-10-31",                          # Query: the Version sent (optional)
     "protocol": "query" | "ec2" | "json",             # optional
     "targetPrefix": "TrentService"}                   # JSON 1.1: X-Amz-Target prefix (optional)

Query names are checked the way botocore's query serializer builds them:
structures `Name.Member`, lists `Name.<member locationName or "member">.N`
(flattened lists `Name.N` / `<member locationName>.N`), maps
`Name.entry.N.key` / `.value` (flattened: `Name.N.key`). EC2 (protocol `ec2`) names
members by `queryName`, else the capitalised `locationName`, and flattens every
list to `Name.N`, as botocore's EC2 serializer does. For JSON services
each param is a top-level key of the body. Every name must land on a scalar
member; the operation must exist; the Version, protocol and target prefix must
match the model; and each structure sent must carry its required members.
When values are given (an object instead of a list) booleans, integers and
numbers are checked too.

Prints every violation and exits 1, or prints a one-line summary and exits 0.

usage: check_botocore_params.py < requests.json
"""
import json
import sys

from botocore.loaders import Loader

SCALARS = {"string", "boolean", "integer", "long", "float", "double", "timestamp", "blob"}


class Checker:
    def __init__(self):
        self.loader = Loader()
        self.models = {}
        self.errors = []
        self.names_checked = 0

    def model(self, service):
        if service not in self.models:
            self.models[service] = self.loader.load_service_model(service, "service-2")
        return self.models[service]

    def fail(self, where, message):
        self.errors.append(f"{where}: {message}")

    # --- one request -------------------------------------------------------

    def check_request(self, request):
        service, operation = request.get("service"), request.get("operation")
        where = f"{service} {operation}"
        try:
            model = self.model(service)
        except Exception as error:  # unknown service name
            self.fail(where, f"botocore has no model for service {service!r} ({error})")
            return
        meta = model["metadata"]
        op = model["operations"].get(operation)
        if op is None:
            self.fail(where, f"operation {operation!r} does not exist in botocore's {service} model")
            return
        if "version" in request and request["version"] != meta.get("apiVersion"):
            self.fail(where, f"Version {request['version']!r} sent, model apiVersion is {meta.get('apiVersion')!r}")
        protocol = request.get("protocol")
        if protocol and protocol != meta.get("protocol"):
            self.fail(where, f"sent as {protocol!r}, model protocol is {meta.get('protocol')!r}")
        if "targetPrefix" in request and request["targetPrefix"] != meta.get("targetPrefix"):
            self.fail(where, f"X-Amz-Target prefix {request['targetPrefix']!r}, model has {meta.get('targetPrefix')!r}")

        params = request.get("params", [])
        values = params if isinstance(params, dict) else {name: None for name in params}
        input_ref = op.get("input")
        if input_ref is None:
            for name in values:
                self.fail(where, f"parameter {name!r} sent, but the operation takes no input")
            return
        input_shape = model["shapes"][input_ref["shape"]]
        is_json = meta.get("protocol") in ("json", "rest-json")
        is_ec2 = meta.get("protocol") == "ec2"
        # structure instances seen: prefix -> (shape name, set of serialized member names seen)
        seen = {"": (input_ref["shape"], set())}
        for name, value in sorted(values.items()):
            self.names_checked += 1
            if is_json:
                self.check_json_key(where, model, input_shape, name, value)
                seen[""][1].add(name)
            else:
                self.check_query_name(where, model, input_ref["shape"], name, value, seen, is_ec2)
        for prefix, (shape_name, members) in seen.items():
            shape = model["shapes"][shape_name]
            for required in shape.get("required", []):
                serialized = self.serialized_name(shape["members"][required], required, is_ec2)
                if serialized not in members:
                    at = f"{prefix}.{serialized}" if prefix else serialized
                    self.fail(where, f"required member {at!r} (shape {shape_name}) is missing")

    # --- JSON --------------------------------------------------------------

    def check_json_key(self, where, model, input_shape, name, value):
        member = input_shape["members"].get(name)
        if member is None:
            self.fail(where, f"JSON key {name!r} is not a member of the input; known: {sorted(input_shape['members'])}")
            return
        shape = model["shapes"][member["shape"]]
        if value is not None:
            kind = shape["type"]
            ok = {"string": lambda v: isinstance(v, str),
                  "boolean": lambda v: isinstance(v, bool),
                  "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "structure": lambda v: isinstance(v, dict),
                  "list": lambda v: isinstance(v, list),
                  "map": lambda v: isinstance(v, dict)}.get(kind, lambda v: True)(value)
            if not ok:
                self.fail(where, f"JSON key {name!r} has value {value!r}; the model's type is {kind}")

    # --- Query -------------------------------------------------------------

    @staticmethod
    def serialized_name(member_ref, default, ec2=False):
        if not ec2:
            return member_ref.get("locationName", default)
        if "queryName" in member_ref:
            return member_ref["queryName"]
        location = member_ref.get("locationName")
        return location[:1].upper() + location[1:] if location else default

    def check_query_name(self, where, model, shape_name, name, value, seen, ec2=False):
        tokens = name.split(".")
        shape = model["shapes"][shape_name]
        prefix = ""
        i = 0
        # The top level and every nested structure: match a member by its serialized name.
        while True:
            kind = shape["type"]
            if kind == "structure":
                if i >= len(tokens):
                    self.fail(where, f"{name!r} ends at structure {shape_name}; name one of its members")
                    return
                by_wire = {}
                for member, ref in shape["members"].items():
                    ref_shape = model["shapes"][ref["shape"]]
                    if ref_shape["type"] == "list" and ref_shape.get("flattened") and not ec2:
                        by_wire[ref_shape["member"].get("locationName", self.serialized_name(ref, member))] = ref
                    by_wire.setdefault(self.serialized_name(ref, member, ec2), ref)
                token = tokens[i]
                ref = by_wire.get(token)
                if ref is None:
                    known = ", ".join(sorted(by_wire))
                    at = f" (in {prefix})" if prefix else ""
                    self.fail(where, f"{name!r}: {token!r}{at} is not a member of {shape_name}; known: {known}")
                    return
                seen.setdefault(prefix, (shape_name, set()))[1].add(token)
                prefix = f"{prefix}.{token}" if prefix else token
                shape_name = ref["shape"]
                shape = model["shapes"][shape_name]
                i += 1
            elif kind == "list":
                member_ref = shape["member"]
                if not shape.get("flattened") and not ec2:
                    wire = member_ref.get("locationName", "member")
                    if i >= len(tokens) or tokens[i] != wire:
                        got = tokens[i] if i < len(tokens) else "(nothing)"
                        self.fail(where, f"{name!r}: list {shape_name} after {prefix!r} needs {wire!r}, got {got!r}")
                        return
                    prefix = f"{prefix}.{wire}"
                    i += 1
                if not self.index(where, name, tokens, i, prefix):
                    return
                prefix = f"{prefix}.{tokens[i]}"
                shape_name = member_ref["shape"]
                shape = model["shapes"][shape_name]
                i += 1
            elif kind == "map":
                if not shape.get("flattened"):
                    if i >= len(tokens) or tokens[i] != "entry":
                        self.fail(where, f"{name!r}: map {shape_name} after {prefix!r} needs 'entry'")
                        return
                    prefix = f"{prefix}.entry"
                    i += 1
                if not self.index(where, name, tokens, i, prefix):
                    return
                i += 1
                key_wire = shape["key"].get("locationName", "key")
                value_wire = shape["value"].get("locationName", "value")
                if i >= len(tokens) or tokens[i] not in (key_wire, value_wire):
                    self.fail(where, f"{name!r}: map {shape_name} entries have {key_wire!r} and {value_wire!r}")
                    return
                part = "key" if tokens[i] == key_wire else "value"
                prefix = ".".join(tokens[: i + 1])
                shape_name = shape[part]["shape"]
                shape = model["shapes"][shape_name]
                i += 1
            else:
                if i != len(tokens):
                    rest = ".".join(tokens[i:])
                    self.fail(where, f"{name!r}: {prefix!r} is a {kind} ({shape_name}); nothing may follow it, got {rest!r}")
                    return
                self.check_scalar(where, name, shape_name, kind, value)
                return

    def index(self, where, name, tokens, i, prefix):
        if i >= len(tokens) or not tokens[i].isdigit() or int(tokens[i]) < 1:
            got = tokens[i] if i < len(tokens) else "(nothing)"
            self.fail(where, f"{name!r}: after {prefix!r} comes a 1-based index, got {got!r}")
            return False
        return True

    def check_scalar(self, where, name, shape_name, kind, value):
        if value is None:
            return
        if kind == "boolean" and value not in ("true", "false"):
            self.fail(where, f"{name!r} = {value!r}: {shape_name} is a boolean, send 'true' or 'false'")
        elif kind in ("integer", "long"):
            try:
                int(value)
            except ValueError:
                self.fail(where, f"{name!r} = {value!r}: {shape_name} is an {kind}")
        elif kind in ("float", "double"):
            try:
                float(value)
            except ValueError:
                self.fail(where, f"{name!r} = {value!r}: {shape_name} is a {kind}")


def main():
    try:
        requests = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        print(f"check_botocore_params: stdin is not JSON: {error}")
        return 2
    if not isinstance(requests, list) or not requests:
        print("check_botocore_params: expected a non-empty JSON array of requests on stdin")
        return 2
    checker = Checker()
    for request in requests:
        checker.check_request(request)
    if checker.errors:
        print(f"check_botocore_params: {len(checker.errors)} violation(s) against botocore's models:")
        for error in checker.errors:
            print(f"  - {error}")
        return 1
    operations = sorted({f"{r.get('service')}:{r.get('operation')}" for r in requests})
    print(f"check_botocore_params: OK: {len(requests)} requests, {len(operations)} operations, "
          f"{checker.names_checked} parameter names match botocore's models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
