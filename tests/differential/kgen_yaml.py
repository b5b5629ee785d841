"""YAML writing with varied (but valid) styles for the kustomization tree
generator: plain, quoted and block scalars, flow collections, comments,
indentation variants, anchors and merge keys, JSON documents.

Values are Python data; Raw(text) is written verbatim as a plain scalar
(to get YAML's own resolution of things like 0x1F, 1e3, ~, yes, 2001-12-14),
Lit(text, style) a block scalar, Anchor(name, value) / Alias(name) and
Merge(name) (the `<<: *name` key) shape references.
"""
import json
import re


class Raw:
    def __init__(self, text):
        self.text = text


class Lit:
    def __init__(self, text, style="|"):
        self.text, self.style = text, style


class Anchor:
    def __init__(self, name, value):
        self.name, self.value = name, value


class Alias:
    def __init__(self, name):
        self.name = name


MERGE = "<<"

PLAIN_OK = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./@:+-]*$")
YAML11_SPECIAL = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
    r"null|Null|NULL|~|\.inf|\.Inf|\.INF|-\.inf|\.nan|\.NaN|\.NAN)$")
NUMBERISH = re.compile(r"^[-+]?(\.?[0-9]|0[xob])")


def plain_safe(s):
    if not s or not PLAIN_OK.match(s) or YAML11_SPECIAL.match(s):
        return False
    if NUMBERISH.match(s) or ": " in s or s.endswith(":") or " #" in s:
        return False
    if re.match(r"^[0-9]+:[0-9]", s):  # sexagesimal in YAML 1.1
        return False
    return True


def dq(s):
    return json.dumps(s, ensure_ascii=False)


def sq(s):
    return "'" + s.replace("'", "''") + "'"


class Writer:
    def __init__(self, rng, wild=0.0):
        self.rng = rng
        self.wild = wild  # probability of unusual styles

    def chance(self, p):
        return self.rng.random() < p * self.wild

    def scalar(self, v, in_flow=False):
        if isinstance(v, Raw):
            return v.text
        if isinstance(v, Alias):
            return "*" + v.name
        if v is None:
            return self.rng.choice(["null", "~", ""]) if self.wild else "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            r = repr(v)
            return r if ("." in r or "e" in r or "inf" in r or "nan" in r) else r + ".0"
        s = str(v)
        if "\n" in s or "\t" in s or "\r" in s:
            return dq(s)
        if plain_safe(s) and not (in_flow and any(c in s for c in ",[]{}")):
            if self.chance(0.2):
                return sq(s)
            if self.chance(0.1):
                return dq(s)
            return s
        if "'" not in s and self.rng.random() < 0.5:
            return sq(s)
        return dq(s)

    def flow(self, v):
        if isinstance(v, Anchor):
            return "&" + v.name + " " + self.flow(v.value)
        if isinstance(v, dict):
            return "{" + ", ".join(self.key(k) + ": " + self.flow(x) for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(self.flow(x) for x in v) + "]"
        if isinstance(v, Lit):
            return dq(v.text)
        return self.scalar(v, in_flow=True)

    def key(self, k):
        if k == MERGE:
            return "<<"
        if isinstance(k, Raw):
            return k.text
        s = str(k)
        if plain_safe(s) or (s.startswith("$") and re.match(r"^\$[A-Za-z/]+$", s)):
            if self.chance(0.05):
                return dq(s)
            return s
        return dq(s) if self.rng.random() < 0.5 or "'" in s else sq(s)

    def simple(self, v):
        return not isinstance(v, (dict, list, Anchor, Lit)) or \
            (isinstance(v, (dict, list)) and not v)

    def block(self, v, indent, out, seq_indent):
        """Write v (a dict or list) as block lines at `indent`."""
        pad = " " * indent
        if isinstance(v, dict):
            for k, x in v.items():
                if self.chance(0.03):
                    out.append(pad + "# " + self.rng.choice(["note", "a: b", "TODO: -", "---"]))
                ks = self.key(k)
                anchor = ""
                if isinstance(x, Anchor):
                    anchor = " &" + x.name
                    x = x.value
                if isinstance(x, Lit):
                    out.append(pad + ks + ":" + anchor + " " + x.style)
                    for line in x.text.split("\n"):
                        out.append((pad + "  " + line) if line else "")
                    if x.text.endswith("\n") and out and out[-1] == "":
                        out.pop()
                elif self.simple(x):
                    sv = self.flow(x) if isinstance(x, (dict, list)) else self.scalar(x)
                    out.append(pad + ks + ":" + anchor + (" " + sv if sv != "" else ""))
                elif self.chance(0.15) and len(json.dumps(x, default=str)) < 70 and not has_special(x):
                    out.append(pad + ks + ":" + anchor + " " + self.flow(x))
                else:
                    out.append(pad + ks + ":" + anchor)
                    if isinstance(x, list):
                        self.block(x, indent + (2 if seq_indent else 0), out, seq_indent)
                    else:
                        self.block(x, indent + 2, out, seq_indent)
        else:
            for x in v:
                anchor = ""
                if isinstance(x, Anchor):
                    anchor = "&" + x.name + " "
                    x = x.value
                if isinstance(x, Lit):
                    out.append(pad + "- " + anchor + x.style)
                    for line in x.text.split("\n"):
                        out.append((pad + "    " + line) if line else "")
                    if x.text.endswith("\n") and out and out[-1] == "":
                        out.pop()
                elif self.simple(x):
                    sv = self.flow(x) if isinstance(x, (dict, list)) else self.scalar(x)
                    out.append(pad + "- " + anchor + sv)
                elif isinstance(x, dict) and not anchor:
                    sub = []
                    self.block(x, indent + 2, sub, seq_indent)
                    first = sub[0]
                    out.append(pad + "- " + first[indent + 2:] if first.startswith(" " * (indent + 2)) else pad + "- " + first.lstrip())
                    out.extend(sub[1:])
                else:
                    out.append(pad + "- " + anchor.strip())
                    self.block(x, indent + 2, out, seq_indent)

    def doc(self, v):
        if self.chance(0.05) and not has_special(v):
            return json.dumps(v, indent=self.rng.choice([None, 2])) + "\n"
        out = []
        if isinstance(v, (dict, list)) and v:
            self.block(v, 0, out, self.rng.random() < 0.5)
        else:
            out.append(self.flow(v))
        return "\n".join(out) + "\n"

    def docs(self, vs):
        parts = []
        for i, v in enumerate(vs):
            text = self.doc(v)
            if i or self.chance(0.2):
                sep = "---\n"
                if self.chance(0.1):
                    sep = "--- # doc\n"
                parts.append(sep)
            parts.append(text)
        if self.chance(0.1):
            parts.append("---\n")
        if self.chance(0.05):
            parts.append("...\n")
        return "".join(parts)


def has_special(v):
    if isinstance(v, (Raw, Lit, Anchor, Alias)):
        return True
    if isinstance(v, dict):
        return any(k == MERGE or isinstance(k, Raw) or has_special(x) for k, x in v.items())
    if isinstance(v, list):
        return any(has_special(x) for x in v)
    return False
