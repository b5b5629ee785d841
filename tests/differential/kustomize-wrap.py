#!/usr/bin/env python3
"""Differential test: every successful conformance case wrapped in random
overlays.

For each case of a kustomize conformance directory whose build succeeds,
kubectl's output tells which resources the case has; an overlay that
includes the case's build directory is then generated with
kustomize-gen.py's layer features aimed at those resources (patches of
every kind on them, replacements between them, namespace, prefixes,
labels, images, generators merging into their ConfigMaps...), and both
programs build the overlay.  Real-world trees meet features the cases
never combine them with.

usage: kustomize-wrap.py [--cases DIR] [--variants N] [--seed N] [--only SUBSTR]
                         [--manifestc PATH] [--keep DIR]
"""
import argparse, os, random, shutil, subprocess, sys, tempfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("kgen", os.path.join(HERE, "kustomize-gen.py"))
kgen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kgen)
import yaml  # noqa: E402


def run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return (-1, b"", b"timeout")
    return (r.returncode, r.stdout, r.stderr)


def ctx_from_output(rng, text):
    cx = kgen.Ctx(rng)
    try:
        docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    except yaml.YAMLError:
        return None
    for d in docs:
        md = d.get("metadata") or {}
        kind, name = d.get("kind"), md.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        ns = md.get("namespace") if isinstance(md.get("namespace"), str) else None
        labels = md.get("labels") if isinstance(md.get("labels"), dict) else {}
        cx.add(kind, name, ns, labels, md.get("annotations") if isinstance(md.get("annotations"), dict) else {})
        if kind == "ConfigMap":
            cx.cms.append(name)
        elif kind == "Secret":
            cx.secrets.append(name)
        elif kind == "ServiceAccount":
            cx.sas.append(name)
        elif kind == "Service":
            cx.services.append(name)
        elif kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"):
            cx.workloads.append((kind, name))
    return cx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default=os.path.join(ROOT, "..", "shared", "conformance", "kustomize", "cases"))
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="")
    ap.add_argument("--manifestc", default=os.path.join(ROOT, "build", "manifestc"))
    ap.add_argument("--keep", default="")
    a = ap.parse_args()
    same = diff = both_fail = trees = 0
    for case in sorted(os.listdir(a.cases)):
        if a.only not in case:
            continue
        cdir = os.path.join(a.cases, case)
        if not os.path.exists(os.path.join(cdir, "expected.yaml")):
            continue
        run_dir = open(os.path.join(cdir, "run.txt")).read().strip()
        opts = []
        if os.path.exists(os.path.join(cdir, "options.txt")):
            opts = [l.strip() for l in open(os.path.join(cdir, "options.txt")) if l.strip()]
        expected = open(os.path.join(cdir, "expected.yaml"), encoding="utf-8", errors="replace").read()
        for v in range(a.variants):
            seed = a.seed * 1000003 + zlib.crc32(case.encode()) % 100000 * 10 + v
            rng = random.Random(seed)
            cx = ctx_from_output(rng, expected)
            if cx is None or not cx.res:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copytree(os.path.join(cdir, "files"), os.path.join(tmp, "files"), symlinks=True)
                t = kgen.Tree(rng)
                w = kgen.Writer(rng, wild=rng.choice([0.0, 0.5]))
                wrap = os.path.join("files", "zz-wrap")
                k = {"resources": [os.path.relpath(os.path.join("files", run_dir), wrap)]}
                k.update(kgen.layer(rng, cx, t, wrap, w, True))
                t.write(os.path.join(wrap, "kustomization.yaml"), w.doc(kgen.kust_doc(rng, k)))
                kgen.write_tree(t, tmp)
                target = os.path.join(tmp, wrap)
                trees += 1
                want = run(["kubectl", "kustomize", target] + opts)
                got = run([a.manifestc, "build", target] + opts)
                if want[0] != 0 and got[0] == 1:
                    same += 1
                    both_fail += 1
                    continue
                if want[0] == got[0] == 0 and want[1] == got[1]:
                    same += 1
                    continue
                diff += 1
                why = kgen.first_diff(want[1], got[1]) if want[0] == got[0] == 0 else \
                    f"kubectl exit {want[0]}, manifestc exit {got[0]}"
                print(f"DIFF {case} variant {v} (seed {seed}): {why}", flush=True)
                if a.keep:
                    dst = os.path.join(a.keep, f"{case}-{v}")
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(tmp, dst, symlinks=True)
                    with open(os.path.join(dst, "BUILD"), "w") as fh:
                        fh.write(wrap + " " + " ".join(opts) + "\n")
    print(f"{trees} wrapped trees: {same} same ({both_fail} both failing), {diff} different")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
