#!/usr/bin/env python3
"""Differential test of `manifestc validate --strict` against the reference
oracle of the manifest-validation corpus (../shared/conformance/validate/
tools/oracle.py, python3-jsonschema, Draft 4, with --ext).

Seeds are real resources of many kinds: every expected.yaml of the kustomize
suite, the Helm suite's expected outputs, `manifestc render examples`, the
sync-order suite's resources, the validate corpus's valid manifests, and
objects generated for every kind of the embedded schemas and CRDs (a minimal
object from each schema's required fields, and a rich one with the optional
fields too).  Seeds the oracle rejects are repaired by deleting what it
reports (or dropped); seeds on which the two programs already disagree are
reported as category "seed".

Each seed is then mutated the ways the corpus categories describe, one
defect (or one deliberately harmless change) per file, at many depths and
field types, and written as YAML (sometimes JSON, a `kind: List`, or a
multi-document stream with the defect in a later document, with empty and
comment-only documents, a leading `---` and `...` markers).

Every file is validated by the oracle (in-process: its own functions with
one validator per schema kept between files; the verdicts are those of
`oracle.py --ext FILE`) and by `manifestc validate --strict FILE` (text, as
run.sh -p reads it) and `-o json`.  A file disagrees when the verdicts
differ, or when both reject it and manifestc's output does not mention the
oracle's location in one of the forms run.sh -p accepts (the pointer, the
pointer unescaped, the dotted form; for unknown and missing fields also
parent/field, or the bare field at the root).  The stricter pointer
comparison (each oracle location is the pointer of some manifestc finding,
List items relative to their item) is counted separately.

Dev tool: needs python3-jsonschema, python3-yaml and ../shared.

usage: validate-oracle.py [--manifestc BIN] [--shared DIR] [--out DIR]
                          [--seed N] [--per-kind N] [--sites N] [--only CAT,...]
                          [--max-files N] [--show N]

Prints a table per category (files, agreements, disagreements by kind) and
up to --show examples of each disagreement signature; writes every file and
results.jsonl under --out (default: a fresh temporary directory, kept).
"""
import argparse
import collections
import copy
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# ------------------------------------------------------------------ emitting


class Raw:
    """A scalar written verbatim (YAML 1.1 spellings, empty values)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "Raw(%r)" % self.text


class RawKey:
    """A mapping key written verbatim; distinct objects, so a dict can hold
    a key twice (duplicate keys) or a non-string key."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "RawKey(%r)" % self.text


BOOLNULL = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
PLAIN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_./ -]*[A-Za-z0-9_./-]$|^[A-Za-z]$")


def scalar_text(v):
    if isinstance(v, Raw):
        return v.text
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return ".nan"
        if v in (float("inf"), float("-inf")):
            return ".inf" if v > 0 else "-.inf"
        t = repr(v)
        return t if ("." in t or "e" in t) else t + ".0"
    if isinstance(v, str):
        if PLAIN_RE.match(v) and v.lower() not in BOOLNULL and "  " not in v:
            return v
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    raise TypeError(repr(v))


def key_text(k):
    if isinstance(k, RawKey):
        return k.text
    return scalar_text(k) if isinstance(k, str) else json.dumps(str(k))


def _block(v, ind, out):
    sp = " " * ind
    if isinstance(v, dict):
        for k, x in v.items():
            ks = key_text(k)
            if isinstance(x, dict) and x:
                out.append("%s%s:" % (sp, ks))
                _block(x, ind + 2, out)
            elif isinstance(x, list) and x:
                out.append("%s%s:" % (sp, ks))
                _block(x, ind + 2, out)
            else:
                t = scalar_text(x)
                out.append(("%s%s: %s" % (sp, ks, t)) if t != "" else ("%s%s:" % (sp, ks)))
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                sub = []
                _block(x, ind + 2, sub)
                sub[0] = sp + "- " + sub[0][ind + 2:]
                out.extend(sub)
            elif isinstance(x, list) and x:
                out.append(sp + "-")
                _block(x, ind + 2, out)
            else:
                t = scalar_text(x)
                out.append(sp + "- " + t if t != "" else sp + "-")
    else:
        out.append(sp + scalar_text(v))


def to_yaml(v):
    out = []
    if isinstance(v, (dict, list)) and v:
        _block(v, 0, out)
    else:
        out.append(scalar_text(v))
    return "\n".join(out) + "\n"


def to_json(v, ind=0):
    """JSON (or YAML flow) text; Raw scalars and RawKeys verbatim."""
    sp = "  " * (ind + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = []
        for k, x in v.items():
            ks = k.text if isinstance(k, RawKey) else json.dumps(str(k), ensure_ascii=False)
            items.append("%s%s: %s" % (sp, ks, to_json(x, ind + 1)))
        return "{\n" + ",\n".join(items) + "\n" + "  " * ind + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + ",\n".join(sp + to_json(x, ind + 1) for x in v) + "\n" + "  " * ind + "]"
    if isinstance(v, Raw):
        return v.text if v.text != "" else "null"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return scalar_text(v)


def has_raw(v):
    if isinstance(v, (Raw, RawKey)):
        return True
    if isinstance(v, dict):
        return any(has_raw(k) or has_raw(x) for k, x in v.items())
    if isinstance(v, list):
        return any(has_raw(x) for x in v)
    return False


# ------------------------------------------------------------------ pointers


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def unescape(p):
    return p.replace("~1", "/").replace("~0", "~")


def dotted(p):
    out = ""
    for seg in p.split("/")[1:]:
        s = unescape(seg)
        if re.fullmatch(r"[0-9]+", s):
            out += "[" + s + "]"
        else:
            out = s if out == "" else out + "." + s
    return out


def mentions(out, path, field):
    """run.sh's mentions_path."""
    forms = []
    if path:
        forms += [path, unescape(path)]
        d = dotted(path)
        if d:
            forms.append(d)
        if field:
            forms += [path + "/" + field, dotted(path + "/" + field)]
    elif field:
        forms.append(field)
    else:
        return True
    return any(f and f in out for f in forms)


# ------------------------------------------------------------------ oracle


def load_oracle(shared):
    sys.path.insert(0, os.path.join(shared, "conformance", "validate", "tools"))
    import oracle  # noqa: E402

    schemas = oracle.Schemas(strict=True)
    cache = {}
    orig = schemas.validator

    def validator(name, ext):
        k = (name, ext)
        if k not in cache:
            cache[k] = orig(name, ext)
        return cache[k]

    schemas.validator = validator
    args = argparse.Namespace(no_strict=False, ignore_missing_schemas=False, ext=True, json=True)
    return oracle, schemas, args


UNEXPECTED_RE = re.compile(r"\((.*) (?:was|were) unexpected\)")
REQUIRED_RE = re.compile(r"^'(.*)' is a required property")


def oracle_locations(findings):
    """(doc, path, field) of each finding."""
    locs = []
    for doc, kind, name, ptr, msg in findings:
        field = None
        m = REQUIRED_RE.match(msg)
        if m:
            field = m.group(1)
        m = UNEXPECTED_RE.search(msg)
        if m and msg.startswith("Additional properties"):
            names = re.findall(r"'((?:[^'\\]|\\.)*)'", m.group(1))
            for n in names:
                locs.append((doc, ptr, n, msg))
            continue
        locs.append((doc, ptr, field, msg))
    return locs


# ------------------------------------------------------------------ schemas


class View:
    """Navigation over the oracle's converted (and --ext patched) schemas."""

    def __init__(self, oracle, schemas):
        root = oracle.ext_patch({"definitions": schemas.defs})
        self.defs = root["definitions"]
        self.quantity = self.defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]
        self.objectmeta = self.defs[oracle.OBJECTMETA]
        self.cache = {}

    def deref(self, node):
        n = 0
        while isinstance(node, dict) and "$ref" in node and n < 64:
            node = self.defs[node["$ref"].split("/")[-1]]
            n += 1
        return node

    def flat(self, node, depth=0):
        node = self.deref(node)
        if not isinstance(node, dict):
            return {}
        key = id(node)
        if key in self.cache:
            return self.cache[key]
        if "allOf" not in node or depth > 16:
            self.cache[key] = node
            return node
        out = {k: v for k, v in node.items() if k != "allOf"}
        out["_refs"] = [node]
        for m in node["allOf"]:
            fm = self.flat(m, depth + 1)
            out["_refs"].append(fm)
            for k, v in fm.items():
                if k == "properties":
                    out.setdefault("properties", {})
                    for pk, pv in v.items():
                        out["properties"].setdefault(pk, pv)
                elif k == "required":
                    out["required"] = list(dict.fromkeys(out.get("required", []) + v))
                elif k == "_refs":
                    out["_refs"] += v
                else:
                    out.setdefault(k, v)
        self.cache[key] = out
        return out

    def is_meta(self, n):
        return n is self.objectmeta or (n and self.objectmeta in n.get("_refs", []))

    def is_quantity(self, n):
        return n is self.quantity or (n and self.quantity in n.get("_refs", []))

    @staticmethod
    def types(n):
        t = n.get("type")
        if t is None:
            if "properties" in n:
                return ["object"]
            return []
        return t if isinstance(t, list) else [t]

    @staticmethod
    def int_or_string(n):
        if n.get("x-kubernetes-int-or-string"):
            return True
        alts = n.get("anyOf") or n.get("oneOf") or []
        ts = sorted(a.get("type") for a in alts if isinstance(a, dict) and isinstance(a.get("type"), str))
        return ts == ["integer", "string"]


# ------------------------------------------------------------------ generating

# Values of the enums that exist only in the API server's Go code (the
# generator needs valid ones; which fields each side checks is the test's
# business, not the generator's): property -> value, or {parent: value}.
GO_ENUMS = {
    "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
    "restartPolicy": "Always", "preemptionPolicy": "Never", "operator": "Exists",
    "scheme": "HTTP", "volumeMode": "Filesystem", "completionMode": "NonIndexed",
    "persistentVolumeReclaimPolicy": "Retain", "reclaimPolicy": "Retain",
    "effect": "NoSchedule", "protocol": "TCP", "externalTrafficPolicy": "Cluster",
    "internalTrafficPolicy": "Cluster", "ipFamilyPolicy": "SingleStack",
    "volumeBindingMode": "Immediate", "sessionAffinity": "None",
    "podManagementPolicy": "OrderedReady", "dnsPolicy": "ClusterFirst",
    "concurrencyPolicy": "Allow", "pathType": "Prefix",
    "type": {"updateStrategy": "RollingUpdate", "strategy": "RollingUpdate",
             "seccompProfile": "RuntimeDefault", "target": "Utilization",
             "metrics": "Resource", "spec": "ClusterIP", None: "x"},
    "accessModes": "ReadWriteOnce", "policyTypes": "Ingress",
}
CANDIDATES = ["x", "a", "1", "0", "abc", "x-y", "a.b", "v1", "1s", "30s", "1m", "5m", "1h",
              "1.0.0", "v1.0.0", "http://x", "https://example.com", "x.example.com", "1Gi",
              "100m", "10%", "*", "2024-01-01T00:00:00Z", "x:y", "X", "ABC", "a/b", "1.5", "-1",
              "true", "P1D", "@daily", "0 * * * *", "a@b.c", "RSA", "sha256", "10.0.0.0/8"]
NOVALUE = object()


class Gen:
    def __init__(self, view, rng):
        self.v = view
        self.rng = rng

    def string_for(self, n, prop=None, parent=None):
        if n.get("default") and isinstance(n["default"], str):
            return n["default"]
        if n.get("example") and isinstance(n["example"], str):
            return n["example"]
        if prop in GO_ENUMS and not n.get("pattern"):
            v = GO_ENUMS[prop]
            return v.get(parent, v[None]) if isinstance(v, dict) else v
        fmt = n.get("format")
        if fmt == "date-time":
            return "2024-01-01T00:00:00Z"
        if fmt == "byte":
            return "eA=="
        if fmt == "date":
            return "2024-01-01"
        pat = n.get("pattern")
        minl = n.get("minLength", 0)
        maxl = n.get("maxLength", 1 << 30)
        for c in CANDIDATES if pat else ["x"]:
            if len(c) < minl:
                c = c + "x" * (minl - len(c))
            if len(c) > maxl:
                continue
            try:
                if pat and not re.search(pat, c):
                    continue
            except re.error:
                return NOVALUE
            return c
        return NOVALUE

    def gen(self, node, depth, rich, budget, path=()):
        n = self.v.flat(node)
        if budget[0] <= 0 and not rich:
            pass
        budget[0] -= 1
        if "enum" in n:
            vals = [x for x in n["enum"] if x is not None]
            return vals[0] if vals else NOVALUE
        if self.v.is_quantity(n):
            return self.rng.choice(["1", "100m", "1Gi", "2", "500Mi"])
        if View.int_or_string(n):
            return self.rng.choice([1, "1", "25%"]) if "port" not in str(path[-1:]) else 8080
        if "oneOf" in n or "anyOf" in n:
            for alt in (n.get("oneOf") or n.get("anyOf")):
                merged = dict(n)
                merged.pop("oneOf", None)
                merged.pop("anyOf", None)
                a = self.v.flat(alt)
                for k, x in a.items():
                    if k == "properties":
                        merged["properties"] = dict(merged.get("properties", {}), **x)
                    elif k == "required":
                        merged["required"] = list(dict.fromkeys(merged.get("required", []) + x))
                    else:
                        merged.setdefault(k, x)
                r = self.gen(merged, depth, rich, budget, path)
                if r is not NOVALUE:
                    return r
            return NOVALUE
        ts = [t for t in View.types(n) if t != "null"]
        t = ts[0] if ts else ("object" if "properties" in n else None)
        if t == "object":
            out = {}
            props = n.get("properties", {})
            req = set(n.get("required", []))
            for k, ps in props.items():
                if k == "status" and depth == 0:
                    continue
                if k not in req:
                    if not rich or depth >= rich or budget[0] <= 0:
                        continue
                    if self.rng.random() < 0.15:
                        continue
                r = self.gen(ps, depth + 1, rich, budget, path + (k,))
                if r is NOVALUE:
                    if k in req:
                        return NOVALUE
                    continue
                out[k] = r
            addl = n.get("additionalProperties")
            if not props and isinstance(addl, dict) and (rich and depth < rich or n.get("minProperties")):
                r = self.gen(addl, depth + 1, rich, budget, path + ("k1",))
                if r is not NOVALUE:
                    out["k1"] = r
            elif not props and n.get("x-kubernetes-preserve-unknown-fields") and rich:
                out["k1"] = "v1"
            if n.get("x-kubernetes-embedded-resource"):
                out.setdefault("apiVersion", "v1")
                out.setdefault("kind", "ConfigMap")
                out.setdefault("metadata", {"name": "embedded"})
            return out
        if t == "array":
            cnt = max(n.get("minItems", 0), 1 if (rich and depth < rich and budget[0] > 0) else 0)
            items = []
            for i in range(cnt):
                r = self.gen(n.get("items", {}), depth + 1, rich, budget, path + (i,))
                if r is NOVALUE:
                    return NOVALUE if n.get("minItems") else []
                items.append(r)
            return items
        if t == "string":
            names = [p for p in path if isinstance(p, str)]
            return self.string_for(n, names[-1] if names else None,
                                   names[-2] if len(names) > 1 else None)
        if t == "integer":
            lo = n.get("minimum", 1)
            hi = n.get("maximum", 1 << 30)
            v = max(1, int(lo) + (1 if n.get("exclusiveMinimum") else 0))
            return v if v <= hi else NOVALUE
        if t == "number":
            return 1
        if t == "boolean":
            return True
        return "x"

    def resource(self, group, version, kind, defname, rich):
        budget = [1500 if rich else 200]
        body = self.gen({"$ref": "#/definitions/" + defname}, 0, 7 if rich else 0, budget)
        if body is NOVALUE or not isinstance(body, dict):
            return None
        body["apiVersion"] = (group + "/" + version) if group else version
        body["kind"] = kind
        md = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        md = dict(md)
        md["name"] = "gen-" + kind.lower()
        body["metadata"] = md
        order = ["apiVersion", "kind", "metadata"]
        return {k: body[k] for k in order + [k for k in body if k not in order]}


# ------------------------------------------------------------------ sites


class Site:
    __slots__ = ("path", "value", "node", "parent", "key", "preserve", "meta")

    def __init__(self, path, value, node, parent, key, preserve, meta):
        self.path, self.value, self.node = path, value, node
        self.parent, self.key, self.preserve, self.meta = parent, key, preserve, meta


def walk(view, v, node, path, parent, key, out, preserve=False, meta=False, depth=0):
    n = view.flat(node) if node is not None else None
    out.append(Site(path, v, n, parent, key, preserve, meta))
    if depth > 60:
        return
    if isinstance(v, dict):
        props = n.get("properties", {}) if n else {}
        addl = n.get("additionalProperties") if n else None
        pres = preserve or bool(n and n.get("x-kubernetes-preserve-unknown-fields"))
        is_meta = bool(n and view.is_meta(n))
        for k, x in v.items():
            if not isinstance(k, str):
                continue
            child = props.get(k)
            if child is None and isinstance(addl, dict):
                child = addl
            walk(view, x, child, path + [k], v, k, out, pres and child is None, is_meta, depth + 1)
    elif isinstance(v, list):
        items = n.get("items") if n else None
        for i, x in enumerate(v):
            walk(view, x, items if isinstance(items, dict) else None, path + [i], v, i, out,
                 preserve, False, depth + 1)


def set_at(doc, path, value):
    cur = doc
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value


def del_at(doc, path):
    cur = doc
    for p in path[:-1]:
        cur = cur[p]
    del cur[path[-1]]


def get_at(doc, path):
    cur = doc
    for p in path:
        cur = cur[p]
    return cur


def insert_after(d, after, newkey, value):
    """A copy of dict d with newkey inserted after key `after`."""
    out = {}
    for k, x in d.items():
        out[k] = x
        if k == after:
            out[newkey] = value
    if after not in d:
        out[newkey] = value
    return out


def replace_dict_at(doc, path, newd):
    if not path:
        return newd
    set_at(doc, path, newd)
    return doc


# ------------------------------------------------------------------ mutations

Q_BAD = ["1 Gi", "1gi", "1.5.5", "abc", "", "10%", "1,000", "0x10", "1e", "1ee3", "+-1", "1Kib",
         "1KI", " 1", "1 ", "1K", "Gi", "1.2.3Mi", "1e3Gi", "1m5", "--1", "1_000", "∞", "1e1000"]
Q_GOOD = ["1", "1.", ".5", "5.", "-1", "+1", "1e3", "1E3", "1e-3", "1.5Gi", "1Ei", "1m", "1u",
          "1n", "1k", "1M", "1P", "1E", "1e+3", "0", "0.1", "100Mi", Raw("1.5"), Raw("2"),
          Raw("1e3"), Raw("0644"), 3, "1Ti", "1Pi", "123456789012345678901234567890"]
NAME_BAD = ["Foo", "foo_bar", "-foo", "foo-", "foo..bar", "a" * 254, "foo.", ".foo", "",
            "foo bar", "foo%bar", "foo/bar", "é", "FOO.bar", "foo:bar", "..", "."]
NAME_GOOD = ["foo", "foo.bar", "1foo", "a" * 64, "a" * 253, "f", "0", "foo-bar.baz-1", "a" * 63,
             "x1.y2"]
B64_BAD = ["abc", "YWJj\nZGVm", "YWJ-", "YW_j", "YWJj=", "YWJjZA", "YWJjZA===", " YWJj", "YWJj ",
           "@@@@", "YWJjZA=\n=", "YWJj\r\nZGVm", "Y", "YWJjZA==YWJj", "====", "YQ", "Y==="]
B64_GOOD = ["", "YWJj", "YWJjZA==", "YWJjZGU=", "YQ==", "YR==", "AAAA", "+/+/", Raw("1234")]
INT32 = [2147483648, -2147483649, 2147483647, -2147483648, 4294967296, 9223372036854775807,
         9223372036854775808, -9223372036854775809, 18446744073709551616, Raw("2147483648.0"),
         Raw("0x80000000"), Raw("2_147_483_648"), Raw("1e10"), Raw("017777777777")]
WRONG = {
    "string": [42, True, Raw("yes"), Raw("0644"), Raw("1.5"), ["x"], {"a": "b"}, Raw("no"),
               Raw("Off"), Raw("12:30"), Raw("1e3"), Raw("y"), Raw("0o17"), Raw("2024-01-01"),
               Raw("2024-01-01T10:00:00Z"), Raw("'0644'"), Raw("\"yes\""), Raw("0x1F"),
               Raw("1_000"), Raw(".inf"), Raw("~"), Raw(""), Raw("null"), Raw("0b101"),
               Raw("+12"), Raw(".5"), Raw("1.")],
    "integer": ["3", Raw("3.5"), True, Raw("on"), "x", [1], {"a": 1}, Raw("3.0"), Raw("0x1F"),
                Raw("0644"), Raw("1_000"), Raw("+5"), Raw("0b101"), Raw("1e3"), Raw("-0"),
                Raw("'3'"), Raw("12:30"), Raw(".inf"), Raw("-.inf"), Raw(".nan"), Raw("1.5e1"),
                Raw("0o17"), Raw("09"), Raw("~"), Raw(""), Raw("null")],
    "number": ["1.5", True, [1], {"a": 1}, Raw("1e3"), Raw(".5"), Raw(".inf"), Raw("0x10")],
    "boolean": ["true", 1, Raw("yes"), Raw("Off"), Raw("y"), "x", Raw("True"), Raw("'true'"),
                Raw("n"), Raw("NO"), [True], Raw("0"), Raw("~")],
    "array": ["x", {"a": "b"}, 1, True, Raw(""), Raw("[]"), Raw("{}")],
    "object": ["x", ["x"], 1, True, Raw(""), Raw("{}"), Raw("[]")],
}
IOS = [Raw("1.5"), Raw("2.0"), True, Raw("yes"), ["x"], {"a": 1}, Raw("null"), "50%", Raw("'5'"),
       Raw("0644"), "1.5", Raw("1e3"), Raw("-1"), Raw("0x10"), Raw(".inf"), "", Raw("12:30"),
       3000000000, 9223372036854775808]


class Mutator:
    def __init__(self, view, rng, sites_per_op):
        self.v = view
        self.rng = rng
        self.k = sites_per_op

    def pick(self, sites, k=None):
        k = k or self.k
        if len(sites) <= k:
            return list(sites)
        # spread over depths: sort by depth, take evenly
        sites = sorted(sites, key=lambda s: (len(s.path), pointer(s.path)))
        step = len(sites) / k
        out = [sites[int(i * step + self.rng.random() * step)] for i in range(k)]
        return out

    def mutations(self, doc):
        """Yield (category, op, newdoc, site pointer)."""
        api = doc.get("apiVersion", "")
        kind = doc.get("kind", "")
        group, _, version = api.rpartition("/")
        oracle_name = self.v_name(group, version, kind)
        if not oracle_name:
            return
        sites = []
        walk(self.v, doc, {"$ref": "#/definitions/" + oracle_name}, [], None, None, sites)
        rng = self.rng

        def cp():
            return copy.deepcopy(doc)

        objs = [s for s in sites if isinstance(s.value, dict)]
        # unknown fields, at every level
        for s in self.pick(objs, self.k * 2):
            props = (s.node or {}).get("properties", {})
            choices = ["zzUnknownField"]
            for pk in props:
                if pk not in s.value:
                    if pk.lower() != pk:
                        choices.append(pk.lower())
                    choices.append(pk[:1].upper() + pk[1:])
            name = rng.choice(choices)
            val = rng.choice(["x", 1, {"a": "b"}, [1], Raw(""), Raw("null"), True])
            d = cp()
            tgt = get_at(d, s.path) if s.path else d
            tgt[name] = val
            cat = "unknown-field"
            if isinstance(val, Raw):
                cat = "null-unknown"
            yield cat, "add %r=%r" % (name, val), d, pointer(s.path)
        # wrong types, null values
        typed = [s for s in sites if s.path and s.node and View.types(s.node)
                 and not View.int_or_string(s.node) and not self.v.is_quantity(s.node)
                 and "enum" not in s.node]
        for s in self.pick(typed, self.k * 3):
            t = [x for x in View.types(s.node) if x != "null"]
            if not t:
                continue
            alts = WRONG.get(t[0], [])
            if not alts:
                continue
            for val in rng.sample(alts, min(3, len(alts))):
                d = cp()
                set_at(d, s.path, copy.deepcopy(val))
                yield "wrong-type", "%s <- %r" % (t[0], val), d, pointer(s.path)
        # missing required (delete, or null)
        reqs = [s for s in objs if s.node and s.node.get("required")]
        for s in self.pick(reqs, self.k * 2):
            present = [r for r in s.node["required"] if r in s.value]
            if not present:
                continue
            r = rng.choice(present)
            d = cp()
            tgt = get_at(d, s.path) if s.path else d
            if rng.random() < 0.3:
                tgt[r] = Raw(rng.choice(["", "null", "~"]))
                yield "missing-required", "null %s" % r, d, pointer(s.path)
            else:
                del tgt[r]
                yield "missing-required", "delete %s" % r, d, pointer(s.path)
        # removing optional fields, null optional fields: stay valid
        opts = [s for s in sites if len(s.path) > 1 and isinstance(s.parent, dict)
                and s.parent is not doc]
        for s in self.pick(opts, self.k):
            d = cp()
            set_at(d, s.path, Raw(rng.choice(["", "null", "~", "Null"])))
            yield "null-value", "null", d, pointer(s.path)
        # enums
        enums = [s for s in sites if s.node and "enum" in s.node and s.path]
        for s in self.pick(enums, self.k * 2):
            vals = [x for x in s.node["enum"] if isinstance(x, str)]
            bad = ["InvalidValue", ""]
            if vals:
                bad += [vals[0].lower(), vals[0].upper(), vals[0] + " "]
                good = rng.choice(vals)
            else:
                good = None
            for val in rng.sample(bad, 2):
                if val in s.node["enum"]:
                    continue
                d = cp()
                set_at(d, s.path, val)
                yield "enum", "enum <- %r" % val, d, pointer(s.path)
            if good is not None:
                d = cp()
                set_at(d, s.path, good)
                yield "enum", "enum ok <- %r" % good, d, pointer(s.path)
        # patterns
        pats = [s for s in sites if s.node and "pattern" in s.node and isinstance(s.value, str)
                and not s.meta]
        for s in self.pick(pats, self.k * 2):
            pat = s.node["pattern"]
            cands = ["not a match!", "", " ", "x y", "!!", "ABC", "-1", "1.5.5", s.value + " ",
                     " " + s.value, s.value + "\n", "1", "x", "1 s", "1d", "5 m", "1.5s", "-5s",
                     "1ms", "01h", "1h30m", "1H", "0", "99999999999999999999s"]
            rng.shuffle(cands)
            n = 0
            for c in cands:
                try:
                    m = re.search(pat, c)
                except re.error:
                    break
                d = cp()
                set_at(d, s.path, c)
                yield "pattern", "pattern %s <- %r (%s)" % (pat[:40], c, "ok" if m else "bad"), d, pointer(s.path)
                n += 1
                if n >= 3:
                    break
        # int-or-string
        ios = [s for s in sites if s.node and View.int_or_string(s.node) and s.path]
        for s in self.pick(ios, self.k * 2):
            for val in rng.sample(IOS, 3):
                d = cp()
                set_at(d, s.path, copy.deepcopy(val))
                yield "int-or-string", "ios <- %r" % (val,), d, pointer(s.path)
        # quantities
        qs = [s for s in sites if s.node and self.v.is_quantity(s.node) and s.path]
        for s in self.pick(qs, self.k * 2):
            for val in rng.sample(Q_BAD, 3) + rng.sample(Q_GOOD, 2):
                d = cp()
                set_at(d, s.path, copy.deepcopy(val))
                yield "quantity-format", "quantity <- %r" % (val,), d, pointer(s.path)
        # names: metadata.name and generateName, nested ObjectMeta too
        names = [s for s in sites if s.meta and s.key in ("name", "generateName", "namespace")]
        for s in self.pick(names, self.k * 2):
            for val in rng.sample(NAME_BAD, 3) + rng.sample(NAME_GOOD, 2):
                d = cp()
                set_at(d, s.path, val)
                yield "name-format", "%s <- %r" % (s.key, val[:20]), d, pointer(s.path)
        # int32 / int64
        ints = [s for s in sites if s.node and s.node.get("format") in ("int32", "int64") and s.path]
        for s in self.pick(ints, self.k * 2):
            for val in rng.sample(INT32, 3):
                d = cp()
                set_at(d, s.path, copy.deepcopy(val))
                yield "int32-range", "%s <- %r" % (s.node.get("format"), val), d, pointer(s.path)
        # base64
        bs = [s for s in sites if s.node and s.node.get("format") == "byte" and s.path]
        for s in self.pick(bs, self.k * 2):
            for val in rng.sample(B64_BAD, 3) + rng.sample(B64_GOOD, 1):
                d = cp()
                set_at(d, s.path, copy.deepcopy(val))
                yield "byte-format", "byte <- %r" % (val,), d, pointer(s.path)
        # unknown fields inside open places (preserve-unknown, maps): valid or typed
        opens = [s for s in objs if s.preserve or (s.node and (s.node.get("x-kubernetes-preserve-unknown-fields")
                                                               or isinstance(s.node.get("additionalProperties"), dict)))]
        for s in self.pick(opens, self.k):
            d = cp()
            tgt = get_at(d, s.path) if s.path else d
            tgt["zzOpenKey"] = rng.choice(["x", {"deep": {"er": [1, "y", None]}}, 1, Raw("yes")])
            yield "unknown-field", "open add", d, pointer(s.path)
        # duplicate keys at various depths
        for s in self.pick([s for s in objs if s.value], self.k):
            k = rng.choice([k for k in s.value if isinstance(k, str)] or ["x"])
            style = rng.choice(["plain", "quoted", "flow"])
            kt = key_text(k) if style == "plain" else json.dumps(k)
            d = cp()
            tgt = get_at(d, s.path) if s.path else d
            newd = insert_after(tgt, k, RawKey(kt), copy.deepcopy(tgt.get(k)))
            d = replace_dict_at(d, s.path, newd)
            yield "duplicate-key", "dup %s (%s)" % (k, style), d, pointer(s.path)
        # non-string keys in open maps (labels, annotations, data): strings after conversion
        maps = [s for s in objs if s.node and isinstance(s.node.get("additionalProperties"), dict)
                and View.types(self.v.flat(s.node["additionalProperties"])) == ["string"]]
        for s in self.pick(maps, 2):
            kt = rng.choice(["5", "true", "yes", "1.5", "null", "~", "0644", "2024-01-01", "y"])
            d = cp()
            tgt = get_at(d, s.path) if s.path else d
            tgt[RawKey(kt)] = "v"
            yield "yaml11-key", "key %s" % kt, d, pointer(s.path)
        # identity
        for op in ["del apiVersion", "del kind", "null apiVersion", "null kind", "empty kind",
                   "int apiVersion", "list kind"]:
            if rng.random() < 0.3:
                continue
            d = cp()
            f = op.split()[1]
            if op.startswith("del"):
                del d[f]
            elif op.startswith("null"):
                d[f] = Raw("")
            elif op.startswith("empty"):
                d[f] = ""
            elif op.startswith("int"):
                d[f] = 1
            else:
                d[f] = ["x"]
            cat = "missing-apiVersion" if f == "apiVersion" else "missing-kind"
            yield cat, op, d, ""
        for api2, kind2 in [(api, kind + "x"), (api, kind.lower()), (group + "/v9" if group else "v9", kind),
                            ("/" + version, kind), (api + " ", kind), (api.upper(), kind),
                            ("example.com/v1", kind), (api, "Foo")]:
            if rng.random() < 0.7:
                continue
            d = cp()
            d["apiVersion"] = api2
            d["kind"] = kind2
            yield "no-schema", "gvk %s %s" % (api2, kind2), d, ""

    def v_name(self, group, version, kind):
        return self.gvk.get((group, version, kind))


# ------------------------------------------------------------------ files


def assemble(rng, docs, defect_index, fmt):
    """Text of a stream: docs (already YAML text) in order, with random
    harmless structure (leading ---, comments, empty documents, ...)."""
    if fmt == "json":
        return docs[0]
    parts = []
    if rng.random() < 0.3:
        parts.append("---\n")
    for i, t in enumerate(docs):
        if i:
            sep = rng.choice(["---\n", "---\n", "--- # next\n", "...\n---\n"])
            parts.append(sep)
        if rng.random() < 0.2:
            parts.append("# a comment\n")
        parts.append(t)
    if rng.random() < 0.15:
        parts.append("...\n")
    return "".join(parts)


def yaml_corruptions(text, rng):
    """(op, text) pairs: YAML syntax errors (and a few harmless changes)."""
    lines = text.split("\n")
    idx = [i for i, l in enumerate(lines) if l.strip() and not l.startswith("#")]
    out = []
    if len(idx) < 3:
        return out
    i = rng.choice(idx[1:])
    l = lines[i]
    ind = len(l) - len(l.lstrip(" "))
    ops = []
    if ind:
        ops.append(("tab-indent", lines[:i] + ["\t" + l.lstrip(" ")] + lines[i + 1:]))
    ops.append(("extra-indent", lines[:i] + [" " + l] + lines[i + 1:]))
    if ind >= 2:
        ops.append(("less-indent", lines[:i] + [l[1:]] + lines[i + 1:]))
    if ": " in l:
        k, _, v = l.partition(": ")
        ops.append(("unclosed-quote", lines[:i] + [k + ': "' + v] + lines[i + 1:]))
        ops.append(("unclosed-flow", lines[:i] + [k + ": [" + v] + lines[i + 1:]))
        ops.append(("double-colon", lines[:i] + [k + ": a: " + v] + lines[i + 1:]))
        ops.append(("alias-undefined", lines[:i] + [k + ": *nope"] + lines[i + 1:]))
        ops.append(("tab-after-colon", lines[:i] + [k + ":\t" + v] + lines[i + 1:]))
        ops.append(("trailing-comment", lines[:i] + [l + " # note"] + lines[i + 1:]))
        ops.append(("crlf", [x + "\r" for x in lines[:-1]] + lines[-1:]))
        ops.append(("bom", ["\ufeff" + lines[0]] + lines[1:]))
        ops.append(("stray-dash", lines[:i] + [" " * ind + "- x"] + lines[i:]))
        ops.append(("dash-in-text", lines[:i] + [" " * ind + "---"] + lines[i:]))
    ops.append(("nul", lines[:i] + [l + "\x00"] + lines[i + 1:]))
    ops.append(("ctrl", lines[:i] + [l.replace(": ", ": \x07", 1)] + lines[i + 1:]))
    ops.append(("directive", ["%YAML 1.1", "---"] + lines))
    ops.append(("anchor-merge", None))
    for op, ls in rng.sample(ops, min(3, len(ops))):
        if ls is None:
            continue
        out.append((op, "\n".join(ls)))
    return out


# ------------------------------------------------------------------ seeds


def load_docs(path, oracle):
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
        return [d for d in oracle.yaml.load_all(text, Loader=oracle.make_loader(True))]
    except Exception:
        return []


def collect_real(args, oracle):
    shared = args.shared
    files = []
    files += sorted(glob.glob(os.path.join(shared, "conformance/kustomize/cases/*/expected.yaml")))
    files += sorted(glob.glob(os.path.join(shared, "conformance/helm/cases/*/expected*.yaml")))
    files += sorted(glob.glob(os.path.join(shared, "conformance/validate/cases/v-*/manifest.*")))
    out_dir = os.path.join(args.out, "render-examples")
    r = subprocess.run([args.manifestc, "render", os.path.join(ROOT, "examples"), "-o", out_dir,
                        "--no-validate"], capture_output=True)
    if r.returncode == 0:
        for dp, _, fs in os.walk(out_dir):
            for f in sorted(fs):
                if f.endswith(".yaml"):
                    files.append(os.path.join(dp, f))
    else:
        print("render examples failed: %s" % r.stderr.decode()[:300], file=sys.stderr)
    docs = []
    for f in files:
        for d in load_docs(f, oracle):
            if isinstance(d, dict) and str(d.get("kind", "")).lower() == "list" and isinstance(d.get("items"), list):
                docs += [(f, x) for x in d["items"]]
            elif isinstance(d, dict):
                docs.append((f, d))
    so = os.path.join(shared, "conformance/syncorder/cases.jsonl")
    if os.path.exists(so):
        for line in open(so):
            for x in json.loads(line).get("resources", []):
                if isinstance(x, dict):
                    docs.append((so, x))
    return docs


def strip_nulls(x):
    if isinstance(x, dict):
        return {k: strip_nulls(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [strip_nulls(v) for v in x]
    return x


# ------------------------------------------------------------------ running


class Runner:
    def __init__(self, args, oracle, schemas, oargs):
        self.args = args
        self.oracle = oracle
        self.schemas = schemas
        self.oargs = oargs

    def oracle_check(self, path):
        findings, _ = self.oracle.validate_file(path, self.schemas, self.oargs)
        return findings

    def manifestc(self, path):
        r = subprocess.run([self.args.manifestc, "validate", "--strict", path],
                           capture_output=True, timeout=30)
        text = (r.stdout + r.stderr).decode("utf-8", "replace")
        rj = subprocess.run([self.args.manifestc, "validate", "--strict", "-o", "json", path],
                            capture_output=True, timeout=30)
        ptrs = []
        try:
            j = json.loads(rj.stdout.decode("utf-8", "replace"))
            for res in j.get("resources", []):
                for e in res.get("validationErrors") or []:
                    if e.get("level", "error") == "error":
                        ptrs.append((res.get("document"), e.get("path", ""), e.get("rule", ""), e.get("msg", "")))
        except ValueError:
            pass
        return r.returncode, text, ptrs


def compare(rc, text, mptrs, findings):
    """(kind, detail) of the disagreement, or None."""
    ovalid = not findings
    mvalid = rc == 0
    if rc >= 124 or rc < 0:
        return "crash", "exit %d" % rc
    if ovalid and not mvalid:
        return "false-positive", ""
    if not ovalid and mvalid:
        return "missed", ""
    if ovalid:
        return None
    for doc, path, field, msg in oracle_locations(findings):
        if not mentions(text, path, field):
            return "location", "%s%s" % (path, " field " + field if field else "")
    return None


# Disagreements whose cause is known and deliberate, in four families (see
# docs/STATUS.md): the oracle reads YAML with PyYAML where kubectl reads it
# with go-yaml v2; Draft 4's "integer" refuses whole floats that kubectl's
# YAML-to-JSON step writes as integers; manifestc runs API-server checks the
# oracle's --ext does not have; the oracle's --ext is stricter than the API
# server.  Each rule names the exact mutation (the value written) or the
# manifestc rule ids, so a new kind of disagreement is never absorbed.
GO_YAML_VALUES = ("Raw('y')", "Raw('n')", "Raw('1e3')", "Raw('09')", "Raw('0o17')", "Raw('12:30')")
GO_YAML_KEYS = ("key y", "key Y", "key n", "key N")
FLOAT_RE = re.compile(r"^Raw\('([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)'\)$")
API_SERVER_RULES = ("k8s/name", "k8s/label", "k8s/enum", "k8s/key", "schema/compile")
RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")


def known_difference(cat, op, findings, mptrs):
    """The family of a known disagreement, or None."""
    value = op.split(" <- ", 1)[1].split(" [")[0] if " <- " in op else ""
    base = op.split(" [")[0]
    if value in GO_YAML_VALUES or base == "tab-after-colon" or base in GO_YAML_KEYS:
        return "yaml: PyYAML vs go-yaml"
    if base in ("key null", "key ~"):
        return "yaml: null key (kubectl refuses)"
    m = FLOAT_RE.match(value)
    if m and not m.group(1).lstrip("+-").isdigit() and float(m.group(1)).is_integer():
        return "draft4: whole float is no integer"
    if not findings and mptrs and all(r in API_SERVER_RULES for _, _, r, _ in mptrs):
        return "api-server check beyond --ext"
    if findings and not mptrs:
        msgs = [f[4] for f in findings]
        if value == "''" and all(" is not one of " in m for m in msgs):
            return "ext stricter: '' is defaulted"
        if value == "'Gi'" or (cat == "byte-format" and re.search(r"\\[nr]", value)):
            return "ext stricter: Go parses it"
        if value == "''" and all(f[3].endswith("/metadata/name") for f in findings):
            return "ext stricter: empty name with generateName"
        if all(f[1] in RBAC_KINDS and f[3].endswith("/metadata/name") for f in findings):
            return "ext stricter: RBAC names are path segments"
    if cat == "pattern" and not findings and re.search(r"\\n' \(ok\)$", value):
        return "python: $ before a final newline"
    return None


def strict_location(mptrs, findings):
    """Does every oracle location equal some manifestc pointer?"""
    mp = set()
    for doc, p, rule, msg in mptrs:
        mp.add(p)
        m = re.match(r"^/items/\d+(/.*)?$", p)
        if m:
            mp.add(m.group(1) or "")
    for doc, path, field, msg in oracle_locations(findings):
        if path == "" and not field:
            continue
        want = [path]
        if field and msg.startswith("Additional properties"):
            want = [path + "/" + field.replace("~", "~0").replace("/", "~1")]
        if not any(w in mp for w in want):
            return False
    return True


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifestc", default=os.path.join(ROOT, "build", "manifestc"))
    ap.add_argument("--shared", default=os.path.normpath(os.path.join(ROOT, "..", "shared")))
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-kind", type=int, default=3, help="real seeds per kind")
    ap.add_argument("--sites", type=int, default=2, help="sites per mutation operator and seed")
    ap.add_argument("--only", default="", help="categories to keep (comma-separated)")
    ap.add_argument("--max-files", type=int, default=0)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--no-generated", action="store_true")
    args = ap.parse_args()
    args.manifestc = os.path.abspath(args.manifestc)
    if not args.out:
        args.out = tempfile.mkdtemp(prefix="validate-oracle.")
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    only = set(x for x in args.only.split(",") if x)

    oracle, schemas, oargs = load_oracle(args.shared)
    view = View(oracle, schemas)
    runner = Runner(args, oracle, schemas, oargs)
    mut = Mutator(view, rng, args.sites)
    mut.gvk = schemas.gvk
    files_dir = os.path.join(args.out, "files")
    os.makedirs(files_dir, exist_ok=True)

    results = []
    stats = collections.defaultdict(collections.Counter)
    examples = collections.defaultdict(list)
    knowns = collections.Counter()
    seq = [0]

    def check_file(cat, op, text, ext, meta):
        seq[0] += 1
        name = "%05d-%s.%s" % (seq[0], cat, ext)
        path = os.path.join(files_dir, name)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        findings = runner.oracle_check(path)
        rc, out, mptrs = runner.manifestc(path)
        dis = compare(rc, out, mptrs, findings)
        st = stats[cat]
        st["files"] += 1
        st["oracle-invalid" if findings else "oracle-valid"] += 1
        strict_ok = True
        if findings and rc not in (0,) and not dis:
            strict_ok = strict_location(mptrs, findings)
            if not strict_ok:
                st["pointer-differs"] += 1
        known = dis and known_difference(cat, op, findings, mptrs)
        if known:
            st["known"] += 1
            knowns[known] += 1
        elif dis:
            st[dis[0]] += 1
            sig = (cat, dis[0], op.split(" <- ")[0].split(" ")[0])
            examples[sig].append((path, op, meta, findings, out))
        else:
            st["agree"] += 1
        results.append({"file": path, "category": cat, "op": op, "site": meta,
                        "oracle": [list(f) for f in findings], "manifestc_rc": rc,
                        "manifestc_errors": mptrs, "disagreement": dis and list(dis),
                        "known": known or None,
                        "strict_location": strict_ok})
        return dis

    # ---- seeds
    real = collect_real(args, oracle)
    by_kind = collections.defaultdict(list)
    seen = set()
    for src, d in real:
        api, kind = d.get("apiVersion"), d.get("kind")
        if not isinstance(api, str) or not isinstance(kind, str):
            continue
        h = hashlib.sha1(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()
        if h in seen:
            continue
        seen.add(h)
        by_kind[(api, kind)].append((src, d))
    seeds = []
    for key in sorted(by_kind):
        lst = by_kind[key]
        rng.shuffle(lst)
        seeds += [("real", src, d) for src, d in lst[:args.per_kind]]
    if not args.no_generated:
        gen = Gen(view, rng)
        for (group, version, kind), defname in sorted(schemas.gvk.items()):
            if kind.endswith("List") or kind in ("Status", "WatchEvent", "DeleteOptions", "APIGroup",
                                                  "APIGroupList", "APIResourceList", "APIVersions",
                                                  "Eviction", "Scale", "TokenReview", "TokenRequest"):
                pass
            for rich in (False, True):
                body = gen.resource(group, version, kind, defname, rich)
                if body is not None:
                    seeds.append(("generated" + ("-rich" if rich else ""), defname, body))

    good = []
    for origin, src, d in seeds:
        d = strip_nulls(d)
        for attempt in range(30):
            text = to_yaml(d)
            path = os.path.join(args.out, "seed.yaml")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            findings = runner.oracle_check(path)
            if not findings:
                break
            # repair: delete what the oracle reports (the field, or the parent's key)
            _, _, _, ptr, msg = findings[0]
            segs = [unescape(s) for s in ptr.split("/")[1:]]
            path_objs = []
            cur = d
            ok = True
            for s in segs:
                if isinstance(cur, list):
                    s = int(s)
                elif not isinstance(cur, dict) or s not in cur:
                    ok = False
                    break
                path_objs.append(s)
                cur = cur[s]
            m = UNEXPECTED_RE.search(msg)
            if ok and m and msg.startswith("Additional"):
                for n in re.findall(r"'([^']*)'", m.group(1)):
                    if isinstance(cur, dict):
                        cur.pop(n, None)
                continue
            if ok and path_objs and not REQUIRED_RE.match(msg):
                del_at(d, path_objs)
                continue
            if ok and len(path_objs) >= 1 and REQUIRED_RE.match(msg):
                del_at(d, path_objs)
                continue
            d = None
            break
        else:
            d = None
        if d is None or not isinstance(d, dict) or "kind" not in d:
            continue
        text = to_yaml(d)
        if only and "seed" not in only:
            good.append((origin, src, d))
            continue
        dis = check_file("seed", "%s %s" % (origin, os.path.basename(str(src))), text, "yaml",
                         "%s %s" % (d.get("apiVersion"), d.get("kind")))
        if not dis:
            good.append((origin, src, d))
    print("seeds: %d real kinds, %d seeds, %d usable" % (len(by_kind), len(seeds), len(good)),
          file=sys.stderr)

    # ---- mutations
    n = 0
    for si, (origin, src, d) in enumerate(good):
        for cat, op, md, site in mut.mutations(d):
            if only and cat not in only:
                continue
            if args.max_files and n >= args.max_files:
                break
            n += 1
            r = rng.random()
            others = [g[2] for g in rng.sample(good, min(3, len(good)))]
            if r < 0.12 and not has_raw(md):
                check_file(cat, op + " [json]", to_json(md) + "\n", "json", site)
            elif r < 0.22:
                items = [o for o in others[:2]]
                pos = rng.randrange(len(items) + 1)
                items.insert(pos, md)
                lst = {"apiVersion": "v1", "kind": "List", "items": items}
                check_file(cat, op + " [list item %d]" % pos, to_yaml(lst), "yaml", site)
            elif r < 0.40:
                docs = [to_yaml(o) for o in others[:rng.randrange(1, 3)]]
                extra = rng.choice(["", "# only a comment\n", "", "{}\n"])
                if extra == "{}\n":
                    extra = ""
                pos = rng.randrange(len(docs) + 1)
                docs.insert(pos, to_yaml(md))
                if extra:
                    docs.insert(rng.randrange(len(docs) + 1), extra)
                check_file(cat, op + " [multi]", assemble(rng, docs, pos, "yaml"), "yaml", site)
            elif r < 0.46:
                check_file(cat, op + " [flow]", to_json(md) + "\n", "yaml", site)
            else:
                check_file(cat, op, assemble(rng, [to_yaml(md)], 0, "yaml"), "yaml", site)
        if si % 3 == 0 and (not only or "yaml-syntax" in only):
            for op, text in yaml_corruptions(to_yaml(d), rng):
                check_file("yaml-syntax", op, text, "yaml", "")
        if si % 4 == 0 and (not only or "not-a-mapping" in only):
            vals = list(d.values())
            for op, text in [("sequence", to_yaml(vals[:3])), ("scalar", "just a string\n"),
                             ("list-item-scalar", to_yaml({"apiVersion": "v1", "kind": "List", "items": [d, "x"]})),
                             ("list-item-null", to_yaml({"apiVersion": "v1", "kind": "List", "items": [d, None]})),
                             ("list-empty", to_yaml({"apiVersion": "v1", "kind": "List", "items": []})),
                             ("list-null-items", to_yaml({"apiVersion": "v1", "kind": "List", "items": None})),
                             ("number", "42\n"), ("empty-stream", rng.choice(["", "---\n", "# c\n", "...\n", "---\n...\n"]))]:
                if rng.random() < 0.5:
                    check_file("not-a-mapping", op, text, "yaml", "")
        if args.max_files and n >= args.max_files:
            break
        if si % 50 == 0:
            print("  %d/%d seeds, %d files" % (si, len(good), seq[0]), file=sys.stderr)

    # ---- report
    with open(os.path.join(args.out, "results.jsonl"), "w") as fh:
        for r in results:
            fh.write(json.dumps(r, default=str) + "\n")
    cols = ["files", "oracle-valid", "oracle-invalid", "agree", "known", "missed", "false-positive",
            "location", "crash", "pointer-differs"]
    print("%-20s %s" % ("category", " ".join("%9s" % c[:9] for c in cols)))
    tot = collections.Counter()
    for cat in sorted(stats):
        st = stats[cat]
        tot.update(st)
        print("%-20s %s" % (cat, " ".join("%9d" % st[c] for c in cols)))
    print("%-20s %s" % ("total", " ".join("%9d" % tot[c] for c in cols)))
    if knowns:
        print("\nknown differences (not failures):")
        for k, c in sorted(knowns.items()):
            print("  %6d  %s" % (c, k))
    for sig in sorted(examples):
        ex = examples[sig]
        print("\n== %s / %s / %s: %d" % (sig[0], sig[1], sig[2], len(ex)))
        for path, op, meta, findings, out in ex[:args.show]:
            print("  %s  [%s] at %s" % (path, op, meta))
            for f in findings[:2]:
                print("    oracle: doc %s %s: %s" % (f[0], f[3], f[4][:160]))
            for line in out.splitlines():
                if ": error:" in line or ": warning:" in line:
                    print("    manifestc: %s" % line[line.find(":", len(path)) + 1:][:200])
    print("\nfiles in %s" % args.out)
    return 0 if not (tot["missed"] or tot["false-positive"] or tot["location"] or tot["crash"]) else 1


if __name__ == "__main__":
    sys.exit(main())
