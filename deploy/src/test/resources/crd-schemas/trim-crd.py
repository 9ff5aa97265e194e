#!/usr/bin/env python3
"""Cuts an operator's CRD down to the part of its schema that deploy/ uses, for CrdSchemaTest.

    trim-crd.py CRD_FILE VERSION SOURCE_NOTE RENDERED_YAML... > KIND.schema.yaml

Keeps spec's schema of VERSION: every field the rendered objects of that kind use is kept whole down to the leaves
they set; a field they do not use keeps only its type, marked x-trimmed (the test names it when a manifest starts
using it: run this again). Descriptions and status go. Needs python3-yaml.
"""
import sys
import yaml

FLAGS = ("type", "enum", "format", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "nullable")


def stub(schema):
    out = {k: schema[k] for k in FLAGS if k in schema}
    if schema.get("type") in ("object", "array") or "properties" in schema:
        out["x-trimmed"] = True
    return out


def trim(schema, used):
    """used: a list of the values found at this place in the rendered objects."""
    out = {k: schema[k] for k in FLAGS + ("required",) if k in schema}
    objects = [u for u in used if isinstance(u, dict)]
    lists = [u for u in used if isinstance(u, list)]
    if "properties" in schema:
        props = {}
        for name, sub in schema["properties"].items():
            here = [o[name] for o in objects if name in o]
            props[name] = trim(sub, here) if here else stub(sub)
        out["properties"] = props
    if isinstance(schema.get("additionalProperties"), dict):
        values = [v for o in objects for v in o.values()]
        out["additionalProperties"] = trim(schema["additionalProperties"], values)
    elif "additionalProperties" in schema:
        out["additionalProperties"] = schema["additionalProperties"]
    if "items" in schema:
        out["items"] = trim(schema["items"], [i for l in lists for i in l])
    return out


def main():
    crd_file, version, note, *rendered = sys.argv[1:]
    crd = yaml.safe_load(open(crd_file))
    kind = crd["spec"]["names"]["kind"]
    group = crd["spec"]["group"]
    schema = next(v for v in crd["spec"]["versions"] if v["name"] == version)["schema"]["openAPIV3Schema"]
    specs = []
    for path in rendered:
        for doc in yaml.safe_load_all(open(path)):
            if doc and doc.get("kind") == kind and doc.get("apiVersion") == f"{group}/{version}":
                specs.append(doc.get("spec", {}))
    if not specs:
        sys.exit(f"no {group}/{version} {kind} in {rendered}")
    print(f"# The spec schema of {group}/{version} {kind}, from {note},")
    print("# trimmed to the fields deploy/ uses by trim-crd.py (beside this file); other fields keep only their type")
    print("# (x-trimmed). Regenerate it from the same CRD after using a new field, or from a newer CRD after an upgrade.")
    print(yaml.safe_dump({"apiVersion": f"{group}/{version}", "kind": kind, "spec": trim(schema["properties"]["spec"], specs)},
                         sort_keys=True, width=120), end="")


main()
