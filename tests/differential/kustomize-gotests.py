#!/usr/bin/env python3
"""Differential test of `manifestc build` against `kubectl kustomize` on the
kustomization trees that kustomize's own Go tests write.

The tests are read from the local mirror of kubernetes-sigs/kustomize at tag
kustomize/v5.5.0 (nothing of them is stored here): api/krusty/*_test.go
(the end-to-end tests: every th.WriteK/WriteC/WriteF followed by th.Run or
th.RunWithErr becomes a tree), and with --plugins the builtin plugins'
tests (plugin/builtin/*/*_test.go: a LoadAndRunGenerator or
LoadAndRunTransformer call becomes a kustomization that names the plugin
config under generators: or transformers:).  golite.py walks the Go
source.  Each tree is built by both programs (default ordering, and with
--reorder none when --both-orders is given); stdout bytes and success must
agree.  The expectations written in the tests are not used: the oracle is
the installed kubectl (Kustomize v5.5.0).

usage: kustomize-gotests.py [--manifestc PATH] [--only SUBSTR] [--plugins]
                            [--both-orders] [--keep DIR] [--list]
"""
import argparse, hashlib, os, posixpath, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import golite  # noqa: E402
from golite import UNKNOWN  # noqa: E402

MIRROR = "/work/.mirror/kubernetes-sigs+kustomize/repo"
TAG = "kustomize/v5.5.0"

K_HEADER = "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
C_HEADER = "\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"


def git(*args):
    return subprocess.run(["git", "-C", MIRROR] + list(args), capture_output=True,
                          check=True).stdout.decode("utf-8", "surrogateescape")


# ------------------------------------------------------------- Go runtime

def go_sprintf(fmt, args):
    out = []
    i = 0
    ai = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.":
            j += 1
        if j >= len(fmt):
            break
        verb = fmt[j]
        i = j + 1
        if verb == "%":
            out.append("%")
            continue
        a = args[ai] if ai < len(args) else UNKNOWN
        ai += 1
        if a is UNKNOWN:
            return UNKNOWN
        if verb == "q":
            out.append('"' + str(a).replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif verb in "sdvt":
            out.append(("true" if a else "false") if isinstance(a, bool) else str(a))
        else:
            return UNKNOWN
    return "".join(out)


def norm(p):
    if not isinstance(p, str):
        return UNKNOWN
    p = posixpath.normpath(posixpath.join("/", p))
    return p


class FS:
    def __init__(self):
        self.files = {}
        self.dirs = set()

    def write(self, path, content):
        p = norm(path)
        if p is UNKNOWN or not isinstance(content, str):
            self.files[p if isinstance(p, str) else "?"] = UNKNOWN
            return
        self.files[p] = content


class Options:
    def __init__(self, plugins=False):
        self.attrs = {"Reorder": "none", "AddManagedbyLabel": False,
                      "LoadRestrictions": "LoadRestrictionsRootOnly", "PluginConfig": None}
        self.plugins = plugins

    def getattr_go(self, name):
        return self.attrs.get(name, UNKNOWN)

    def setattr_go(self, name, v):
        self.attrs[name] = v


class T:
    def __init__(self, name):
        self.name = name


class Harness:
    def __init__(self, rec, fs=None):
        self.rec = rec
        self.fs = fs or FS()


class Kustomizer:
    def __init__(self, opts):
        self.opts = opts


class Recorder:
    """Collects the trees of one test function."""

    def __init__(self, base):
        self.base = base
        self.cases = []
        self.sub = []

    def emit(self, fs, path, opts, want_err):
        path = norm(path)
        name = self.base + ("__" + "__".join(self.sub) if self.sub else "")
        self.cases.append({"name": name, "files": dict(fs.files), "path": path,
                           "opts": opts.attrs.copy() if isinstance(opts, Options) else {},
                           "plugins": isinstance(opts, Options) and opts.plugins,
                           "want_err": want_err})


def make_runtime(rec_holder, srcdir="api/krusty"):
    def read_file(interp, args):
        if not args or not isinstance(args[0], str):
            return (UNKNOWN, UNKNOWN)
        try:
            return (git("show", f"{TAG}:{posixpath.normpath(posixpath.join(srcdir, args[0]))}"), None)
        except subprocess.CalledProcessError:
            return (UNKNOWN, UNKNOWN)

    def harness(interp, args):
        return Harness(rec_holder[0])

    def harness_fs(interp, args):
        fs = args[1] if len(args) > 1 and isinstance(args[1], FS) else FS()
        return Harness(rec_holder[0], fs)

    def join(interp, args):
        if any(not isinstance(a, str) for a in args):
            return UNKNOWN
        parts = [a for a in args if a != ""]
        return posixpath.normpath(posixpath.join(*parts)) if parts else ""

    def sprintf(interp, args):
        if not args or not isinstance(args[0], str):
            return UNKNOWN
        return go_sprintf(args[0], args[1:])

    def strfn(f):
        def w(interp, args):
            if any(a is UNKNOWN for a in args):
                return UNKNOWN
            try:
                return f(*args)
            except Exception:
                return UNKNOWN
        return w

    def opts_default(interp, args):
        return Options()

    b = {
        "kusttest_test.MakeHarness": harness,
        "kusttest_test.MakeHarnessWithFs": harness_fs,
        "kusttest_test.MakeEnhancedHarness": harness,
        "kusttest_test.MakeEnhancedHarnessWithTmpRoot": harness,
        "filesys.MakeFsInMemory": lambda i, a: FS(),
        "filesys.MakeEmptyDirInMemory": lambda i, a: FS(),
        "filepath.Join": join, "path.Join": join,
        "os.ReadFile": read_file, "ioutil.ReadFile": read_file,
        "fmt.Sprintf": sprintf,
        "strings.Repeat": strfn(lambda s, n: s * n),
        "strings.ReplaceAll": strfn(lambda s, a, b: s.replace(a, b)),
        "strings.Replace": strfn(lambda s, a, b, n: s.replace(a, b) if n < 0 else s.replace(a, b, n)),
        "strings.Join": strfn(lambda l, sep: sep.join(l)),
        "strings.TrimSpace": strfn(lambda s: s.strip()),
        "strings.TrimPrefix": strfn(lambda s, p: s[len(p):] if s.startswith(p) else s),
        "strings.TrimSuffix": strfn(lambda s, p: s[:-len(p)] if p and s.endswith(p) else s),
        "strings.ToLower": strfn(lambda s: s.lower()),
        "krusty.MakeDefaultOptions": opts_default,
        "krusty.MakeKustomizer": lambda i, a: Kustomizer(a[0] if a else Options()),
        "krusty.ReorderOptionLegacy": "legacy",
        "krusty.ReorderOptionNone": "none",
        "krusty.ReorderOptionUnspecified": "unspecified",
        "types.LoadRestrictionsNone": "LoadRestrictionsNone",
        "types.LoadRestrictionsRootOnly": "LoadRestrictionsRootOnly",
        "konfig.DefaultKustomizationFileName": lambda i, a: "kustomization.yaml",
        "konfig.RecognizedKustomizationFileNames": lambda i, a: ["kustomization.yaml", "kustomization.yml", "Kustomization"],
        "assert.NoError": lambda i, a: None,
        "require.NoError": lambda i, a: None,
    }

    def methods(interp, obj, name, args):
        if isinstance(obj, Harness):
            rec = obj.rec
            if name == "WriteK":
                if len(args) < 2 or not isinstance(args[1], str) or not isinstance(args[0], str):
                    obj.fs.write("?", UNKNOWN)
                else:
                    obj.fs.write(posixpath.join(norm(args[0]), "kustomization.yaml"), K_HEADER + args[1])
                return None
            if name == "WriteC":
                if len(args) < 2 or not isinstance(args[1], str) or not isinstance(args[0], str):
                    obj.fs.write("?", UNKNOWN)
                else:
                    obj.fs.write(posixpath.join(norm(args[0]), "kustomization.yaml"), C_HEADER + args[1])
                return None
            if name == "WriteF":
                obj.fs.write(args[0] if args else UNKNOWN, args[1] if len(args) > 1 else UNKNOWN)
                return None
            if name == "WriteLegacyConfigs":
                obj.fs.write(args[0] if args else UNKNOWN, UNKNOWN)
                return None
            if name in ("Run", "RunWithErr"):
                rec.emit(obj.fs, args[0] if args else ".", args[1] if len(args) > 1 else Options(),
                         name == "RunWithErr")
                return UNKNOWN
            if name in ("MakeDefaultOptions", "MakeOptionsPluginsDisabled"):
                return Options()
            if name == "MakeOptionsPluginsEnabled":
                return Options(plugins=True)
            if name == "GetFSys":
                return obj.fs
            if name == "GetT":
                return T("")
            if name in ("PrepBuiltin", "PrepExecPlugin", "BuildGoPlugin"):
                if name != "PrepBuiltin":
                    obj.fs.write("?exec-or-go-plugin", UNKNOWN)
                return obj
            if name == "MkDir":
                return norm(args[0]) if args and isinstance(args[0], str) else UNKNOWN
            if name == "GetRoot":
                return "/"
            return UNKNOWN
        if isinstance(obj, FS):
            if name == "WriteFile":
                obj.write(args[0] if args else UNKNOWN, args[1] if len(args) > 1 else UNKNOWN)
                return None
            if name in ("Mkdir", "MkdirAll"):
                return None
            return UNKNOWN
        if isinstance(obj, Kustomizer):
            if name == "Run":
                fs = args[0] if args and isinstance(args[0], FS) else FS()
                rec_holder[0].emit(fs, args[1] if len(args) > 1 else ".", obj.opts, False)
                return (UNKNOWN, UNKNOWN)
            return UNKNOWN
        if isinstance(obj, T):
            if name == "Run" and len(args) >= 2:
                rec = rec_holder[0]
                sub = args[0] if isinstance(args[0], str) else "sub"
                rec.sub.append(re.sub(r"[^a-z0-9]+", "_", sub.lower()).strip("_") or "sub")
                try:
                    interp.call(args[1], [T(sub)])
                except golite.Return:
                    pass
                finally:
                    rec.sub.pop()
                return True
            return UNKNOWN
        return UNKNOWN

    return b, methods


def extract_krusty(only=""):
    files = [f for f in git("ls-tree", "--name-only", TAG, "api/krusty/").split()
             if f.endswith("_test.go")]
    cases = []
    for f in sorted(files):
        base = os.path.basename(f)[:-len("_test.go")]
        if only and only.split("__")[0] not in base:
            continue
        try:
            decls = golite.parse(git("show", f"{TAG}:{f}"))
        except SyntaxError as e:
            print(f"# cannot parse {f}: {e}", file=sys.stderr)
            continue
        holder = [None]
        b, m = make_runtime(holder)
        it = golite.Interp(b, m)
        funcs = it.load(decls)
        for fn in funcs:
            if not fn.startswith("Test"):
                continue
            rec = Recorder(f"{base}__{fn.lower()}")
            holder[0] = rec
            try:
                it.call(it.globals.get(fn), [T(fn)])
            except golite.Return:
                pass
            except RecursionError:
                print(f"# recursion in {fn}", file=sys.stderr)
            except RuntimeError as e:
                print(f"# {fn}: {e}", file=sys.stderr)
            seen = {}
            for c in rec.cases:
                n = seen.get(c["name"], 0)
                seen[c["name"]] = n + 1
                if n:
                    c["name"] += f"_{n}"
                cases.append(c)
    return cases


# ------------------------------------------------ builtin plugin tests

def extract_plugins(only=""):
    out = []
    dirs = sorted({posixpath.dirname(f) for f in git("ls-tree", "-r", "--name-only", TAG, "plugin/builtin/").split()
                   if f.endswith("_test.go")})
    for d in dirs:
        for f in git("ls-tree", "--name-only", TAG, d + "/").split():
            if not f.endswith("_test.go"):
                continue
            base = "plugin_" + posixpath.basename(d)
            if only and only.split("__")[0] not in base:
                continue
            try:
                decls = golite.parse(git("show", f"{TAG}:{f}"))
            except SyntaxError as e:
                print(f"# cannot parse {f}: {e}", file=sys.stderr)
                continue
            holder = [None]
            b, m = make_runtime(holder, d)

            def plugin_methods(interp, obj, name, args, m=m, holder=holder):
                if isinstance(obj, Harness) and name in (
                        "LoadAndRunGenerator", "LoadAndRunTransformer", "RunTransformerAndCheckResult",
                        "ErrorFromLoadAndRunTransformer", "RunTransformerAndCheckError",
                        "LoadAndRunGeneratorWithBuildAnnotations"):
                    fs = FS()
                    fs.files = dict(obj.fs.files)
                    cfg = args[0] if args else UNKNOWN
                    kust = K_HEADER
                    if isinstance(cfg, str):
                        fs.write("/zz-plugin-config.yaml", cfg)
                    else:
                        fs.write("/zz-plugin-config.yaml", UNKNOWN)
                    if "Generator" in name:
                        kust += "generators:\n- zz-plugin-config.yaml\n"
                    else:
                        res = args[1] if len(args) > 1 else UNKNOWN
                        fs.write("/zz-resources.yaml", res)
                        kust += "resources:\n- zz-resources.yaml\ntransformers:\n- zz-plugin-config.yaml\n"
                    fs.write("/kustomization.yaml", kust)
                    holder[0].emit(fs, "/", Options(), "Error" in name)
                    return UNKNOWN
                return m(interp, obj, name, args)

            it = golite.Interp(b, plugin_methods)
            funcs = it.load(decls)
            for fn in funcs:
                if not fn.startswith("Test"):
                    continue
                rec = Recorder(f"{base}__{fn.lower()}")
                holder[0] = rec
                try:
                    it.call(it.globals.get(fn), [T(fn)])
                except (golite.Return, RecursionError, RuntimeError):
                    pass
                seen = {}
                for c in rec.cases:
                    n = seen.get(c["name"], 0)
                    seen[c["name"]] = n + 1
                    if n:
                        c["name"] += f"_{n}"
                    out.append(c)
    return out


# ------------------------------------------------------------- running

def flags_of(c, reorder):
    o = c["opts"]
    fl = []
    if o.get("LoadRestrictions") == "LoadRestrictionsNone":
        fl.append("--load-restrictor=LoadRestrictionsNone")
    if o.get("AddManagedbyLabel") is True:
        fl.append("--enable-managedby-label")
    if reorder:
        fl.append("--reorder=" + reorder)
    return fl


def run(cmd, cwd=None):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60, cwd=cwd)
    except subprocess.TimeoutExpired:
        return (-1, b"", b"timeout")
    return (r.returncode, r.stdout, r.stderr)


def materialize(c, tmp):
    files = os.path.join(tmp, "files")
    os.makedirs(files, exist_ok=True)
    for p, content in c["files"].items():
        dst = os.path.join(files, p.lstrip("/"))
        if dst.endswith("/"):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(dst):
            continue
        with open(dst, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(content)
    return os.path.join(files, c["path"].lstrip("/"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifestc", default=os.path.join(ROOT, "build", "manifestc"))
    ap.add_argument("--only", default="")
    ap.add_argument("--plugins", action="store_true", help="also the builtin plugins' tests")
    ap.add_argument("--no-krusty", action="store_true")
    ap.add_argument("--both-orders", action="store_true")
    ap.add_argument("--keep", default="", help="write every differing tree under this directory")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    cases = [] if a.no_krusty else extract_krusty(a.only)
    if a.plugins:
        cases += extract_plugins(a.only)
    cases = [c for c in cases if a.only in c["name"]]
    usable, skipped = [], 0
    hashes = set()
    for c in cases:
        if any(v is UNKNOWN for v in c["files"].values()) or "?" in c["files"] or c["plugins"] \
                or not isinstance(c["path"], str):
            skipped += 1
            continue
        h = hashlib.sha256(repr((sorted(c["files"].items()), c["path"], sorted(c["opts"].items(), key=str))).encode()).hexdigest()
        if h in hashes:
            continue
        hashes.add(h)
        usable.append(c)
    if a.list:
        for c in usable:
            print(c["name"], c["path"], "(error)" if c["want_err"] else "")
        print(f"{len(usable)} trees, {skipped} skipped")
        return 0
    same = diff = both_fail = 0
    orders = [None, "none"] if a.both_orders else [None]
    for c in usable:
        for reorder in orders:
            with tempfile.TemporaryDirectory() as tmp:
                target = materialize(c, tmp)
                fl = flags_of(c, reorder)
                want = run(["kubectl", "kustomize", target] + fl)
                got = run([a.manifestc, "build", target] + fl)
                if want[0] != 0 and got[0] != 0:
                    both_fail += 1
                    same += 1
                    continue
                if want[0] == got[0] == 0 and want[1] == got[1]:
                    same += 1
                    continue
                diff += 1
                tag = c["name"] + (" --reorder=none" if reorder else "")
                print(f"DIFF {tag}: kubectl exit {want[0]}, manifestc exit {got[0]}")
                if want[0] != 0:
                    print("  kubectl: " + want[2].decode(errors="replace").strip().splitlines()[-1][:200])
                if got[0] != 0:
                    print("  manifestc: " + got[2].decode(errors="replace").strip().splitlines()[0][:200])
                if want[0] == got[0] == 0:
                    wl = want[1].decode(errors="replace").splitlines()
                    gl = got[1].decode(errors="replace").splitlines()
                    for i in range(max(len(wl), len(gl))):
                        w = wl[i] if i < len(wl) else "<end>"
                        g = gl[i] if i < len(gl) else "<end>"
                        if w != g:
                            print(f"  line {i+1}: kubectl {w[:100]!r} manifestc {g[:100]!r}")
                            break
                if a.keep:
                    dst = os.path.join(a.keep, re.sub(r"[^A-Za-z0-9_.-]", "_", tag))
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(os.path.join(tmp, "files"), dst)
                    with open(os.path.join(dst, "BUILD"), "w") as fh:
                        fh.write(c["path"] + " " + " ".join(fl) + "\n")
    print(f"{len(usable)} trees ({skipped} skipped: unknown content or plugins), "
          f"{same} same ({both_fail} both failing), {diff} different")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
