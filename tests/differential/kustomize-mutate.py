#!/usr/bin/env python3
"""Differential test of `manifestc build` against `kubectl kustomize`.

For every case of a kustomize conformance directory (default:
../shared/conformance/kustomize/cases), copy the tree to a temporary
directory, add one field to the kustomization that is built (namespace,
namePrefix/nameSuffix, commonLabels, commonAnnotations, images, replicas,
sortOptions) when it does not have it yet, and compare the two programs'
stdout byte for byte (or that both fail).  The mutations exercise
interactions the cases do not, so a difference here is a semantic bug the
held-out cases could hit.  Prints each difference and a summary line.

usage: kustomize-mutate.py [--manifestc PATH] [--cases DIR] [--only SUBSTR]
"""
import argparse, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

MUTATIONS = {
    "namespace": "namespace: mut-ns\n",
    "namePrefix": "namePrefix: mp-\nnameSuffix: -ms\n",
    "commonLabels": "commonLabels:\n  mut-label: x\n",
    "commonAnnotations": "commonAnnotations:\n  mut/anno: \"true\"\n",
    "images": "images:\n- name: nginx\n  newTag: mut-1.0\n- name: busybox\n  newName: registry.example.com/busybox\n  digest: sha256:0123456789012345678901234567890123456789012345678901234567890123\n",
    "replicas": "replicas:\n- name: deployment\n  count: 7\n",
    "sortOptions": "sortOptions:\n  order: fifo\n",
    "labels": "labels:\n- pairs:\n    mut-pair: y\n  includeSelectors: true\n  includeTemplates: true\n",
}

def kust_file(d):
    for n in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        if os.path.exists(os.path.join(d, n)):
            return os.path.join(d, n)
    return None

def run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return (-1, b"")
    return (r.returncode, r.stdout)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifestc", default=os.path.join(ROOT, "build", "manifestc"))
    ap.add_argument("--cases", default=os.path.join(ROOT, "..", "shared", "conformance", "kustomize", "cases"))
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    same = diff = skipped = 0
    for case in sorted(os.listdir(a.cases)):
        if a.only not in case:
            continue
        cdir = os.path.join(a.cases, case)
        if not os.path.exists(os.path.join(cdir, "run.txt")):
            continue
        run_dir = open(os.path.join(cdir, "run.txt")).read().strip()
        opts = []
        if os.path.exists(os.path.join(cdir, "options.txt")):
            opts = [l.strip() for l in open(os.path.join(cdir, "options.txt")) if l.strip()]
        for name, text in MUTATIONS.items():
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copytree(os.path.join(cdir, "files"), os.path.join(tmp, "files"), symlinks=True)
                target = os.path.join(tmp, "files", run_dir)
                kf = kust_file(target)
                if not kf:
                    skipped += 1
                    continue
                body = open(kf).read()
                key = text.split(":")[0]
                if any(l.startswith(key + ":") for l in body.splitlines()) or \
                   (name == "namePrefix" and "nameSuffix:" in body):
                    skipped += 1
                    continue
                if not body.endswith("\n"):
                    body += "\n"
                open(kf, "w").write(body + text)
                want = run(["kubectl", "kustomize", target] + opts)
                got = run([a.manifestc, "build", target] + opts)
                ok = (want[0] != 0 and got[0] != 0) or (want[0] == got[0] == 0 and want[1] == got[1])
                if ok:
                    same += 1
                else:
                    diff += 1
                    print(f"DIFF {case} +{name}: kubectl exit {want[0]}, manifestc exit {got[0]}")
                    if want[0] == got[0] == 0:
                        wl, gl = want[1].decode(errors="replace").splitlines(), got[1].decode(errors="replace").splitlines()
                        for i in range(max(len(wl), len(gl))):
                            w = wl[i] if i < len(wl) else "<end>"
                            g = gl[i] if i < len(gl) else "<end>"
                            if w != g:
                                print(f"  line {i+1}: kubectl {w[:100]!r} manifestc {g[:100]!r}")
                                break
    print(f"{same} same, {diff} different, {skipped} skipped")
    return 1 if diff else 0

if __name__ == "__main__":
    sys.exit(main())
