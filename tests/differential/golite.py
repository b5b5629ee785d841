"""A tiny interpreter for the subset of Go that kustomize's tests use to
write kustomization trees (string constants and concatenation, struct,
slice and map literals, helper functions, range loops, t.Run subtests).

It does not run Go: it walks the syntax and evaluates what it can.  Values
it cannot compute are UNKNOWN; every branch of an `if` is walked (a test
usually writes files before its conditions, and running a build twice is
harmless).  Used by kustomize-gotests.py to turn kustomize's own tests
into trees that kubectl and manifestc both build; nothing of the tests'
text is stored in this repository, it is read from the local mirror.
"""
import re


class Unknown:
    def __repr__(self):
        return "UNKNOWN"


UNKNOWN = Unknown()


# ---------------------------------------------------------------- lexer

TOKEN_RE = re.compile(r"""
 (?P<ws>[ \t\r]+)
|(?P<nl>\n)
|(?P<lcomment>//[^\n]*)
|(?P<bcomment>/\*.*?\*/)
|(?P<raw>`[^`]*`)
|(?P<str>"(?:[^"\\\n]|\\.)*")
|(?P<rune>'(?:[^'\\\n]|\\.)+')
|(?P<num>0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)
|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
|(?P<op>\.\.\.|<<=|>>=|&\^=|:=|==|!=|<=|>=|&&|\|\||<-|\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|&\^|[-+*/%&|^<>=!(){}\[\],;:.~])
""", re.S | re.X)

KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else",
            "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
            "package", "range", "return", "select", "struct", "switch", "type", "var"}


class Tok:
    __slots__ = ("kind", "val", "line")

    def __init__(self, kind, val, line):
        self.kind, self.val, self.line = kind, val, line

    def __repr__(self):
        return f"{self.kind}:{self.val!r}@{self.line}"


def unquote(s):
    body = s[1:-1]
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "\\": 92, '"': 34, "'": 39, "a": 7, "b": 8,
              "f": 12, "v": 11}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode()
            i += 2 + n
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            raise SyntaxError("bad escape")
    return out.decode("utf-8", "surrogateescape")


def lex(src):
    toks = []
    line = 1
    pos = 0
    last = None

    def needs_semi(t):
        if t is None:
            return False
        if t.kind in ("ident", "raw", "str", "rune", "num"):
            return t.val not in KEYWORDS or t.val in ("break", "continue", "fallthrough", "return")
        return t.kind == "op" and t.val in (")", "]", "}", "++", "--")

    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if not m:
            raise SyntaxError(f"line {line}: cannot lex {src[pos:pos+20]!r}")
        kind = m.lastgroup
        val = m.group(kind)
        pos = m.end()
        if kind == "ws":
            continue
        if kind in ("nl", "lcomment", "bcomment"):
            nls = val.count("\n") if kind != "nl" else 1
            if (kind == "nl" or nls) and needs_semi(last):
                toks.append(Tok("op", ";", line))
                last = toks[-1]
            line += nls
            continue
        if kind == "raw":
            t = Tok("str", val[1:-1].replace("\r", ""), line)
            line += val.count("\n")
        elif kind == "str":
            t = Tok("str", unquote(val), line)
        else:
            t = Tok(kind, val, line)
        toks.append(t)
        last = t
    if needs_semi(last):
        toks.append(Tok("op", ";", line))
    toks.append(Tok("eof", "", line))
    return toks


# --------------------------------------------------------------- parser
# Nodes are tuples: (kind, ...).

class Parser:
    def __init__(self, toks):
        self.t = toks
        self.i = 0
        self.nolit = 0  # >0: composite literals not allowed (if/for/switch headers)

    def peek(self, k=0):
        return self.t[self.i + k]

    def at(self, val, k=0):
        t = self.t[self.i + k]
        return t.kind in ("op", "ident") and t.val == val

    def next(self):
        t = self.t[self.i]
        self.i += 1
        return t

    def expect(self, val):
        t = self.next()
        if t.val != val:
            raise SyntaxError(f"line {t.line}: expected {val!r}, got {t.val!r}")
        return t

    def skip_semis(self):
        while self.at(";"):
            self.i += 1

    # ---- top level
    def file(self):
        decls = []
        self.skip_semis()
        while self.peek().kind != "eof":
            if self.at("package"):
                self.next(); self.next()
            elif self.at("import"):
                self.next()
                if self.at("("):
                    self.skip_balanced("(", ")")
                else:
                    if self.peek().kind == "ident":
                        self.next()
                    self.next()
            elif self.at("func"):
                decls.append(self.funcdecl())
            elif self.at("const") or self.at("var"):
                decls.append(self.vardecl())
            elif self.at("type"):
                decls.append(self.typedecl())
            else:
                raise SyntaxError(f"line {self.peek().line}: unexpected {self.peek().val!r}")
            self.skip_semis()
        return decls

    def skip_balanced(self, o, c):
        self.expect(o)
        depth = 1
        while depth:
            t = self.next()
            if t.kind == "op" and t.val == o:
                depth += 1
            elif t.kind == "op" and t.val == c:
                depth -= 1
            elif t.kind == "eof":
                raise SyntaxError("unbalanced")

    def funcdecl(self):
        self.expect("func")
        recv = None
        if self.at("("):
            recv = self.params()
        name = self.next().val
        if self.at("["):
            self.skip_balanced("[", "]")
        params = self.params()
        self.result_type()
        body = self.block() if self.at("{") else None
        return ("func", name, params, body, recv)

    def result_type(self):
        if self.at("{") or self.at(";"):
            return
        if self.at("("):
            self.skip_balanced("(", ")")
        else:
            self.type_()

    def params(self):
        # returns list of names (types ignored, except "...")
        self.expect("(")
        groups = []
        cur = []
        depth = 0
        while True:
            t = self.next()
            if t.kind == "op" and t.val in "([{":
                depth += 1
            elif t.kind == "op" and t.val in ")]}":
                if depth == 0:
                    if cur:
                        groups.append(cur)
                    break
                depth -= 1
            if depth == 0 and t.kind == "op" and t.val == ",":
                groups.append(cur)
                cur = []
                continue
            cur.append(t)
        names = []
        for g in groups:
            if len(g) >= 2 and g[0].kind == "ident":
                names.append(g[0].val)
            elif len(g) == 1 and g[0].kind == "ident":
                names.append(g[0].val)  # name of a grouped "a, b string" or a type
            else:
                names.append("_")
        return names

    def typedecl(self):
        self.expect("type")
        if self.at("("):
            self.next()
            out = []
            self.skip_semis()
            while not self.at(")"):
                name = self.next().val
                if self.at("="):
                    self.next()
                out.append((name, self.type_()))
                self.skip_semis()
            self.next()
            return ("types", out)
        name = self.next().val
        if self.at("="):
            self.next()
        return ("types", [(name, self.type_())])

    def vardecl(self):
        kw = self.next().val
        specs = []

        def spec():
            names = [self.next().val]
            while self.at(","):
                self.next()
                names.append(self.next().val)
            typ = None
            if not self.at("=") and not self.at(";") and not self.at(")"):
                typ = self.type_()
            vals = []
            if self.at("="):
                self.next()
                vals = self.exprlist()
            specs.append((names, typ, vals))

        if self.at("("):
            self.next()
            self.skip_semis()
            while not self.at(")"):
                spec()
                self.skip_semis()
            self.next()
        else:
            spec()
        return ("vars", kw, specs)

    # ---- types
    def type_(self):
        t = self.peek()
        if self.at("*"):
            self.next()
            return ("ptr", self.type_())
        if self.at("["):
            self.next()
            if self.at("]"):
                self.next()
                return ("slice", self.type_())
            if self.at("..."):
                self.next()
            else:
                self.expr()
            self.expect("]")
            return ("slice", self.type_())
        if self.at("map"):
            self.next()
            self.expect("[")
            k = self.type_()
            self.expect("]")
            return ("map", k, self.type_())
        if self.at("struct"):
            self.next()
            self.expect("{")
            fields = []
            self.skip_semis()
            while not self.at("}"):
                names = [self.next().val]
                if self.at(";") or self.at("}"):
                    fields.append((names[0], ("named", names[0])))  # embedded
                    self.skip_semis()
                    continue
                if self.at("."):
                    self.next()
                    n2 = self.next().val
                    fields.append((n2, ("named", names[0] + "." + n2)))
                    self.skip_semis()
                    continue
                while self.at(","):
                    self.next()
                    names.append(self.next().val)
                typ = self.type_()
                if self.peek().kind == "str":
                    self.next()  # tag
                for n in names:
                    fields.append((n, typ))
                self.skip_semis()
            self.next()
            return ("struct", fields)
        if self.at("interface"):
            self.next()
            self.skip_balanced("{", "}")
            return ("iface",)
        if self.at("func"):
            self.next()
            self.params()
            if not (self.at(",") or self.at(")") or self.at("]") or self.at("{") or self.at(";") or self.at("}") or self.at("=")):
                self.result_type()
            return ("functype",)
        if self.at("chan"):
            self.next()
            return ("chan", self.type_())
        if self.at("("):
            self.next()
            ty = self.type_()
            self.expect(")")
            return ty
        if t.kind == "ident":
            self.next()
            name = t.val
            if self.at(".") and self.peek(1).kind == "ident":
                self.next()
                name += "." + self.next().val
            if self.at("["):  # generic instantiation
                self.skip_balanced("[", "]")
            return ("named", name)
        raise SyntaxError(f"line {t.line}: bad type at {t.val!r}")

    # ---- statements
    def block(self):
        self.expect("{")
        stmts = []
        self.skip_semis()
        while not self.at("}"):
            stmts.append(self.stmt())
            self.skip_semis()
        self.expect("}")
        return ("block", stmts)

    def simple_stmt(self):
        lhs = self.exprlist()
        if self.at(":=") or self.at("="):
            op = self.next().val
            if self.at("range"):
                self.next()
                return ("range", lhs, self.expr())
            rhs = self.exprlist()
            return ("assign", op, lhs, rhs)
        if self.peek().kind == "op" and self.peek().val in ("+=", "-=", "*=", "|=", "&="):
            op = self.next().val
            rhs = self.exprlist()
            return ("assign", op, lhs, rhs)
        if self.at("++") or self.at("--"):
            self.next()
            return ("expr", lhs[0])
        if self.at(":") and len(lhs) == 1 and lhs[0][0] == "ident":
            self.next()  # label
            return ("nop",)
        return ("expr", lhs[0])

    def stmt(self):
        t = self.peek()
        if self.at("{"):
            return self.block()
        if self.at("const") or self.at("var"):
            return self.vardecl()
        if self.at("type"):
            return self.typedecl()
        if self.at("return"):
            self.next()
            vals = [] if self.at(";") or self.at("}") else self.exprlist()
            return ("return", vals)
        if t.val in ("break", "continue", "fallthrough", "goto") and t.kind == "ident":
            self.next()
            if self.peek().kind == "ident":
                self.next()
            return ("nop",)
        if self.at("defer") or self.at("go"):
            self.next()
            self.expr()
            return ("nop",)
        if self.at("if"):
            return self.ifstmt()
        if self.at("for"):
            return self.forstmt()
        if self.at("switch") or self.at("select"):
            return self.switchstmt()
        return self.simple_stmt()

    def ifstmt(self):
        self.expect("if")
        self.nolit += 1
        init = None
        s = self.simple_stmt()
        if self.at(";"):
            self.next()
            init = s
            cond = self.expr()
        else:
            cond = s[1] if s[0] == "expr" else None
        self.nolit -= 1
        body = self.block()
        els = None
        if self.at("else"):
            self.next()
            els = self.ifstmt() if self.at("if") else self.block()
        return ("if", init, cond, body, els)

    def forstmt(self):
        self.expect("for")
        self.nolit += 1
        header = None
        if not self.at("{"):
            if self.at("range"):
                self.next()
                header = ("range", [], self.expr())
            else:
                parts = []
                cur = None if self.at(";") else self.simple_stmt()
                parts.append(cur)
                while self.at(";"):
                    self.next()
                    if self.at("{"):
                        parts.append(None)
                        break
                    parts.append(None if self.at(";") else self.simple_stmt())
                header = parts[0] if len(parts) == 1 and parts[0] and parts[0][0] == "range" else ("cfor", parts)
        self.nolit -= 1
        body = self.block()
        return ("for", header, body)

    def switchstmt(self):
        self.next()
        self.nolit += 1
        tag = None
        if not self.at("{"):
            s = self.simple_stmt()
            if self.at(";"):
                self.next()
                if not self.at("{"):
                    s2 = self.simple_stmt()
                    tag = s2
            else:
                tag = s
        self.nolit -= 1
        self.expect("{")
        clauses = []
        self.skip_semis()
        while not self.at("}"):
            if self.at("case"):
                self.next()
                exprs = self.exprlist()
            else:
                self.expect("default")
                exprs = None
            self.expect(":")
            body = []
            self.skip_semis()
            while not (self.at("case") or self.at("default") or self.at("}")):
                body.append(self.stmt())
                self.skip_semis()
            clauses.append((exprs, ("block", body)))
        self.next()
        return ("switch", tag, clauses)

    # ---- expressions
    def exprlist(self):
        out = [self.expr()]
        while self.at(","):
            self.next()
            out.append(self.expr())
        return out

    PREC = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
            "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5,
            "&": 5, "&^": 5}

    def expr(self, prec=1):
        left = self.unary()
        while True:
            t = self.peek()
            if t.kind == "op" and t.val in self.PREC and self.PREC[t.val] >= prec:
                self.next()
                right = self.expr(self.PREC[t.val] + 1)
                left = ("bin", t.val, left, right)
            else:
                return left

    def unary(self):
        t = self.peek()
        if t.kind == "op" and t.val in ("-", "+", "!", "^", "*", "&", "<-"):
            self.next()
            return ("un", t.val, self.unary())
        return self.primary()

    def is_type_start(self):
        return self.at("[") or self.at("map") or self.at("struct")

    def primary(self):
        t = self.peek()
        if t.kind == "str":
            self.next()
            x = ("lit", t.val)
        elif t.kind == "num":
            self.next()
            v = t.val.replace("_", "")
            try:
                x = ("lit", int(v, 0))
            except ValueError:
                x = ("lit", float(v))
        elif t.kind == "rune":
            self.next()
            x = ("lit", UNKNOWN)
        elif self.at("func"):
            self.next()
            params = self.params()
            self.result_type()
            body = self.block()
            x = ("funclit", params, body)
        elif self.at("("):
            self.next()
            self.nolit += 0
            saved = self.nolit
            self.nolit = 0
            x = self.expr()
            self.nolit = saved
            self.expect(")")
        elif self.is_type_start():
            typ = self.type_()
            if self.at("{"):
                x = self.complit(typ)
            elif self.at("("):
                self.next()
                v = self.expr()
                self.expect(")")
                x = ("conv", typ, v)
            else:
                x = ("type", typ)
        elif t.kind == "ident":
            self.next()
            x = ("ident", t.val)
        else:
            raise SyntaxError(f"line {t.line}: unexpected {t.val!r}")
        while True:
            if self.at("."):
                self.next()
                if self.at("("):
                    self.next()
                    if self.at("type"):
                        self.next()
                    else:
                        self.type_()
                    self.expect(")")
                    x = ("assert", x)
                    continue
                x = ("sel", x, self.next().val)
            elif self.at("("):
                self.next()
                args = []
                saved = self.nolit
                self.nolit = 0
                self.skip_semis()
                while not self.at(")"):
                    if self.is_type_start() and not self.at("["):
                        args.append(("type", self.type_()))
                    else:
                        args.append(self.expr())
                    if self.at("..."):
                        self.next()
                    if self.at(","):
                        self.next()
                    self.skip_semis()
                self.nolit = saved
                self.next()
                x = ("call", x, args)
            elif self.at("["):
                self.next()
                saved = self.nolit
                self.nolit = 0
                lo = None if self.at(":") else self.expr()
                if self.at(":"):
                    self.next()
                    hi = None if self.at("]") else self.expr()
                    self.expect("]")
                    x = ("slice", x, lo, hi)
                else:
                    self.expect("]")
                    x = ("index", x, lo)
                self.nolit = saved
            elif self.at("{") and self.nolit == 0 and x[0] in ("ident", "sel"):
                name = x[1] if x[0] == "ident" else None
                if x[0] == "sel" and x[1][0] == "ident":
                    name = x[1][1] + "." + x[2]
                x = self.complit(("named", name))
            else:
                return x

    def complit(self, typ):
        self.expect("{")
        saved = self.nolit
        self.nolit = 0
        elems = []
        self.skip_semis()
        while not self.at("}"):
            if self.at("{"):
                v = self.complit(None)
            else:
                v = self.expr()
            if self.at(":"):
                self.next()
                self.skip_semis()
                val = self.complit(None) if self.at("{") else self.expr()
                elems.append((v, val))
            else:
                elems.append((None, v))
            if self.at(","):
                self.next()
            self.skip_semis()
        self.next()
        self.nolit = saved
        return ("complit", typ, elems)


# ----------------------------------------------------------- interpreter

class Return(Exception):
    def __init__(self, vals):
        self.vals = vals


class Func:
    def __init__(self, params, body, env, name=""):
        self.params, self.body, self.env, self.name = params, body, env, name


class Struct(dict):
    """A struct value: field name -> value (missing fields read as zero)."""


class Env:
    def __init__(self, parent=None):
        self.vars = {}
        self.parent = parent

    def get(self, name):
        e = self
        while e:
            if name in e.vars:
                return e.vars[name]
            e = e.parent
        raise KeyError(name)

    def set(self, name, val):
        e = self
        while e:
            if name in e.vars:
                e.vars[name] = val
                return
            e = e.parent
        self.vars[name] = val

    def define(self, name, val):
        if name != "_":
            self.vars[name] = val


def zero_of(typ):
    if typ is None:
        return UNKNOWN
    if typ[0] == "named":
        n = typ[1]
        if n == "string":
            return ""
        if n == "bool":
            return False
        if n in ("int", "int64", "int32", "uint", "float64"):
            return 0
        return UNKNOWN
    if typ[0] == "slice":
        return []
    if typ[0] == "map":
        return {}
    if typ[0] == "struct":
        return Struct()
    return UNKNOWN


class Interp:
    """Evaluates Go.  `builtins` maps a name or 'pkg.Name' to a Python
    callable(interp, args) used for calls; `methods` is called for method
    calls on Python objects: methods(obj, name, args) -> value."""

    MAX_STEPS = 2_000_000

    def __init__(self, builtins, methods):
        self.builtins = builtins
        self.methods = methods
        self.types = {}
        self.globals = Env()
        self.steps = 0

    def load(self, decls):
        funcs = []
        for d in decls:
            if d[0] == "types":
                for name, t in d[1]:
                    self.types[name] = t
            elif d[0] == "func":
                if d[4] is None:
                    self.globals.define(d[1], Func(d[2], d[3], self.globals, d[1]))
                    funcs.append(d[1])
        for d in decls:
            if d[0] == "vars":
                self.exec_vars(d, self.globals)
        return funcs

    def resolve_type(self, typ, depth=0):
        while typ and typ[0] == "named" and typ[1] in self.types and depth < 20:
            typ = self.types[typ[1]]
            depth += 1
        if typ and typ[0] == "ptr":
            return self.resolve_type(typ[1], depth + 1)
        return typ

    # ---- statements
    def exec_vars(self, d, env):
        _, kw, specs = d
        for names, typ, vals in specs:
            if vals:
                vs = [self.eval(v, env) for v in vals]
                if len(vs) == 1 and len(names) > 1:
                    vs = self.multi(vs[0], len(names))
            else:
                vs = [zero_of(self.resolve_type(typ)) for _ in names]
            for n, v in zip(names, vs):
                env.define(n, v)

    def multi(self, v, n):
        if isinstance(v, tuple):
            return list(v) + [UNKNOWN] * (n - len(v))
        return [v] + [UNKNOWN] * (n - 1)

    def exec_block(self, block, env):
        for s in block[1]:
            self.exec(s, env)

    def exec(self, s, env):
        self.steps += 1
        if self.steps > self.MAX_STEPS:
            raise RuntimeError("step budget")
        k = s[0]
        if k == "block":
            self.exec_block(s, Env(env))
        elif k == "vars":
            self.exec_vars(s, env)
        elif k == "types":
            for name, t in s[1]:
                self.types[name] = t
        elif k == "assign":
            self.exec_assign(s, env)
        elif k == "expr":
            self.eval(s[1], env)
        elif k == "return":
            vals = [self.eval(v, env) for v in s[1]]
            raise Return(vals)
        elif k == "if":
            e = Env(env)
            if s[1]:
                self.exec(s[1], e)
            c = self.eval(s[2], e) if s[2] else UNKNOWN
            if c is True:
                self.exec_block(s[3], Env(e))
            elif c is False:
                if s[4]:
                    self.exec(s[4], e)
            else:
                # Unknown condition: walk both branches.
                self.exec_block(s[3], Env(e))
                if s[4]:
                    self.exec(s[4], e)
        elif k == "for":
            self.exec_for(s, env)
        elif k == "switch":
            e = Env(env)
            tag = None
            if s[1] is not None:
                if s[1][0] == "expr":
                    tag = self.eval(s[1][1], e)
                else:
                    self.exec(s[1], e)
            for exprs, body in s[2]:
                if exprs is None:
                    continue
                vals = [self.eval(x, e) for x in exprs]
                if tag is None and any(v is True for v in vals) or tag is not None and tag in vals:
                    self.exec_block(body, Env(e))
                    return
            for exprs, body in s[2]:
                if exprs is None:
                    self.exec_block(body, Env(e))
        elif k in ("nop", "range"):
            pass

    def exec_assign(self, s, env):
        _, op, lhs, rhs = s
        vals = [self.eval(v, env) for v in rhs]
        if len(vals) == 1 and len(lhs) > 1:
            vals = self.multi(vals[0], len(lhs))
        for target, v in zip(lhs, vals):
            if op == "+=":
                cur = self.eval(target, env)
                v = cur + v if isinstance(cur, str) and isinstance(v, str) else UNKNOWN
            elif op != ":=" and op != "=":
                v = UNKNOWN
            if target[0] == "ident":
                if op == ":=":
                    env.define(target[1], v)
                else:
                    try:
                        env.set(target[1], v)
                    except KeyError:
                        env.define(target[1], v)
            elif target[0] == "sel":
                obj = self.eval(target[1], env)
                if isinstance(obj, dict):
                    obj[target[2]] = v
                elif hasattr(obj, "setattr_go"):
                    obj.setattr_go(target[2], v)
            elif target[0] == "index":
                obj = self.eval(target[1], env)
                key = self.eval(target[2], env)
                if isinstance(obj, dict):
                    obj[key] = v
                elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
                    obj[key] = v

    def exec_for(self, s, env):
        header, body = s[1], s[2]
        if header and header[0] == "range":
            lhs, x = header[1], header[2]
            coll = self.eval(x, env)
            if isinstance(coll, dict):
                items = list(coll.items())
            elif isinstance(coll, (list, str)):
                items = list(enumerate(coll))
            else:
                return
            for key, val in items:
                e = Env(env)
                if len(lhs) >= 1 and lhs[0][0] == "ident":
                    e.define(lhs[0][1], key)
                if len(lhs) >= 2 and lhs[1][0] == "ident":
                    e.define(lhs[1][1], val)
                self.exec_block(body, e)
        # Other loops are not run.

    # ---- expressions
    def call(self, f, args):
        if isinstance(f, Func):
            e = Env(f.env)
            for i, p in enumerate(f.params):
                e.define(p, args[i] if i < len(args) else UNKNOWN)
            try:
                self.exec_block(f.body, e)
            except Return as r:
                if len(r.vals) == 1:
                    return r.vals[0]
                return tuple(r.vals) if r.vals else None
            return None
        if callable(f):
            return f(self, args)
        return UNKNOWN

    def eval(self, x, env):
        k = x[0]
        if k == "lit":
            return x[1]
        if k == "ident":
            n = x[1]
            if n == "nil":
                return None
            if n == "true":
                return True
            if n == "false":
                return False
            try:
                return env.get(n)
            except KeyError:
                if n in self.builtins:
                    return self.builtins[n]
                return UNKNOWN
        if k == "sel":
            if x[1][0] == "ident":
                qual = x[1][1] + "." + x[2]
                try:
                    env.get(x[1][1])
                except KeyError:
                    if qual in self.builtins:
                        return self.builtins[qual]
                    return ("qualified", qual)
            obj = self.eval(x[1], env)
            if isinstance(obj, Struct):
                return obj.get(x[2], UNKNOWN)
            if isinstance(obj, dict):
                return obj.get(x[2], UNKNOWN)
            if hasattr(obj, "getattr_go"):
                return obj.getattr_go(x[2])
            return ("method", obj, x[2])
        if k == "call":
            fx = x[1]
            args = [self.eval(a, env) if a[0] != "type" else a for a in x[2]]
            if fx[0] == "sel":
                f = self.eval(fx, env)
                if isinstance(f, tuple) and f and f[0] == "method":
                    return self.methods(self, f[1], f[2], args)
                if isinstance(f, tuple) and f and f[0] == "qualified":
                    return UNKNOWN
                return self.call(f, args)
            if fx[0] == "ident" and fx[1] in ("len",):
                a = args[0] if args else UNKNOWN
                return len(a) if isinstance(a, (str, list, dict)) else UNKNOWN
            if fx[0] == "ident" and fx[1] == "append":
                base = args[0] if args and isinstance(args[0], list) else []
                return base + [a for a in args[1:]]
            if fx[0] == "ident" and fx[1] in ("string", "[]byte"):
                return args[0] if args else UNKNOWN
            f = self.eval(fx, env)
            return self.call(f, args)
        if k == "conv":
            return self.eval(x[2], env)
        if k == "bin":
            op = x[1]
            if op == "&&":
                a = self.eval(x[2], env)
                if a is False:
                    return False
                b = self.eval(x[3], env)
                return b if a is True and isinstance(b, bool) else (False if b is False else UNKNOWN)
            if op == "||":
                a = self.eval(x[2], env)
                if a is True:
                    return True
                b = self.eval(x[3], env)
                return b if a is False and isinstance(b, bool) else (True if b is True else UNKNOWN)
            a = self.eval(x[2], env)
            b = self.eval(x[3], env)
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            try:
                if op == "+":
                    return a + b
                if op == "==":
                    return a == b
                if op == "!=":
                    return a != b
                if op == "-":
                    return a - b
                if op == "*":
                    return a * b
                if op in ("<", "<=", ">", ">="):
                    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
            except TypeError:
                return UNKNOWN
            return UNKNOWN
        if k == "un":
            v = self.eval(x[2], env)
            if x[1] == "!":
                return (not v) if isinstance(v, bool) else UNKNOWN
            if x[1] == "-" and isinstance(v, (int, float)):
                return -v
            return v  # & and * are transparent
        if k == "complit":
            return self.complit(x, env, None)
        if k == "funclit":
            return Func(x[1], x[2], env)
        if k == "index":
            obj = self.eval(x[1], env)
            key = self.eval(x[2], env)
            try:
                if isinstance(obj, dict):
                    return obj.get(key, UNKNOWN)
                if isinstance(obj, (list, str)) and isinstance(key, int):
                    return obj[key]
            except (IndexError, TypeError):
                pass
            return UNKNOWN
        if k == "slice":
            obj = self.eval(x[1], env)
            lo = self.eval(x[2], env) if x[2] else 0
            hi = self.eval(x[3], env) if x[3] else None
            if isinstance(obj, (str, list)) and isinstance(lo, int) and (hi is None or isinstance(hi, int)):
                return obj[lo:hi]
            return UNKNOWN
        if k == "assert":
            return self.eval(x[1], env)
        return UNKNOWN

    def complit(self, x, env, typ_hint):
        typ = x[1] if x[1] is not None else typ_hint
        rt = self.resolve_type(typ)
        elems = x[2]
        if rt and rt[0] == "slice":
            et = rt[1]
            out = []
            for key, v in elems:
                out.append(self.elem(v, env, et))
            return out
        if rt and rt[0] == "map":
            kt, vt = rt[1], rt[2]
            out = {}
            for key, v in elems:
                kk = self.elem(key, env, kt)
                if isinstance(kk, list):
                    kk = tuple(kk)
                try:
                    out[kk] = self.elem(v, env, vt)
                except TypeError:
                    pass
            return out
        if rt and rt[0] == "struct":
            fields = rt[1]
            out = Struct()
            for name, ft in fields:
                out[name] = zero_of(self.resolve_type(ft))
            for i, (key, v) in enumerate(elems):
                if key is not None and key[0] == "ident":
                    ft = dict(fields).get(key[1])
                    out[key[1]] = self.elem(v, env, ft)
                elif i < len(fields):
                    out[fields[i][0]] = self.elem(v, env, fields[i][1])
            return out
        # Unknown type: keyed elements make a struct-like dict.
        out = Struct()
        for i, (key, v) in enumerate(elems):
            if key is not None and key[0] == "ident":
                out[key[1]] = self.elem(v, env, None)
            else:
                out[i] = self.elem(v, env, None)
        return out

    def elem(self, v, env, typ):
        if v[0] == "complit" and v[1] is None:
            return self.complit(v, env, typ)
        return self.eval(v, env)


def parse(src):
    return Parser(lex(src)).file()
