#!/usr/bin/env python3
"""Validates FHIR R4 JSON files against the FHIR R4 (4.0.1) JSON Schema.

Usage: fhir_validate.py SCHEMA FILE...

Exit 0 when every file is valid. Otherwise prints, for each invalid file, the
errors of each bundle entry that is invalid (validated against its own
resource type's definition, so the message names the field at fault rather
than the top-level oneOf) and exits 1. Exit 2: the validator is missing.
The schema is read unmodified (its SOURCE.md asks for that).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write("python3-jsonschema is not installed (./kip test installs it)\n")
    sys.exit(2)


def with_objects_typed(schema):
    # The published schema gives its complex types "properties" but no
    # "type": "object", so a number where a Quantity belongs passes. Say what
    # they are, in memory only (the file stays unmodified).
    for definition in schema.get("definitions", {}).values():
        if "properties" in definition and "type" not in definition:
            definition["type"] = "object"
    return schema


def resource_validator(schema, resource_type):
    # The top-level oneOf over 146 resource types names nothing useful when it
    # fails: the same schema narrowed to one type does.
    narrowed = {k: v for k, v in schema.items() if k not in ("oneOf", "discriminator")}
    narrowed["$ref"] = "#/definitions/" + resource_type
    return jsonschema.Draft6Validator(narrowed)


def explain(schema, document):
    resources = [document]
    if document.get("resourceType") == "Bundle":
        resources += [e.get("resource", {}) for e in document.get("entry", [])]
    lines = []
    for index, resource in enumerate(resources):
        kind = resource.get("resourceType")
        if kind not in schema.get("definitions", {}):
            lines.append("entry %d: unknown resourceType %r" % (index - 1, kind))
            continue
        for error in resource_validator(schema, kind).iter_errors(resource):
            path = "/".join(str(p) for p in error.absolute_path)
            lines.append("%s %s: %s" % (kind, path or "(root)", error.message[:300]))
    return lines


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = with_objects_typed(json.load(f))
    validator = jsonschema.Draft6Validator(schema)
    failed = False
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        if validator.is_valid(document):
            print("%s: valid FHIR R4" % path)
            continue
        failed = True
        print("%s: NOT valid FHIR R4" % path)
        for line in explain(schema, document) or ["(the top-level schema refuses it)"]:
            print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
