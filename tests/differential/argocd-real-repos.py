#!/usr/bin/env python3
"""Check a `manifestc render` of a real GitOps repository against oracles.

usage: argocd-real-repos.py OUT_YAML OUT_JSON [--repo URL=DIR]... [--root DIR]

For every Application in OUT_YAML/index.json:
  * the YAML file and the JSON file (a v1 List) hold the same objects in the
    same order;
  * Kustomize sources (a kustomization file in the path, no Application-level
    kustomize options) equal `kubectl kustomize PATH`, and Directory sources
    equal the files Argo CD's findManifests reads (top level unless recurse;
    .yaml/.yml/.json; List objects expanded; include/exclude not emulated:
    such Applications are reported as unchecked), each with what Argo CD adds:
    the repo-server's tracking annotation (not on CRDs) and the controller's
    namespace normalisation (destination namespace for namespaced kinds
    without one, none for cluster-scoped kinds);
  * Helm sources have no oracle here (no helm binary): counted apart.
Objects are compared as parsed data (kind/namespace/name keyed), the order is
checked by the sync-order suite.  Prints one line per Application and a
summary; exit 1 on any difference.
"""
import json, os, subprocess, sys
import yaml

CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "StorageClass", "PriorityClass", "IngressClass",
    "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "CertificateSigningRequest", "ComponentStatus", "FlowSchema",
    "PriorityLevelConfiguration", "PodSecurityPolicy",
}


def group_of(o):
    api = o.get("apiVersion", "")
    return api.split("/")[0] if "/" in api else ""


def crd_scopes(objs):
    out = {}
    for o in objs:
        if o.get("kind") == "CustomResourceDefinition":
            s = o.get("spec", {})
            out[(s.get("group"), s.get("names", {}).get("kind"))] = s.get("scope")
    return out


def argo_additions(app, dest_ns, objs):
    scopes = crd_scopes(objs)
    res = []
    for o in objs:
        if not isinstance(o, dict):
            continue
        if o.get("kind", "").endswith("List") and isinstance(o.get("items"), list):
            objs.extend(o["items"])
            continue
        res.append(o)
    final = []
    for o in res:
        kind, grp = o.get("kind"), group_of(o)
        md = o.setdefault("metadata", {})
        crd = kind == "CustomResourceDefinition" and grp == "apiextensions.k8s.io"
        cluster = (grp, kind) in scopes and scopes[(grp, kind)] == "Cluster" or \
            (kind in CLUSTER_SCOPED and (grp, kind) not in scopes)
        if cluster:
            md.pop("namespace", None)
        elif not md.get("namespace") and dest_ns:
            md["namespace"] = dest_ns
        if not crd:
            ann = md.get("annotations") or {}
            ann["argocd.argoproj.io/tracking-id"] = "%s:%s/%s:%s/%s" % (
                app, grp, kind, md.get("namespace", ""), md.get("name", ""))
            md["annotations"] = ann
        final.append(o)
    return final


def key(o):
    md = o.get("metadata", {})
    return (group_of(o), o.get("kind"), md.get("namespace", ""), md.get("name"))


def load_yaml_stream(text):
    return [d for d in yaml.safe_load_all(text) if d is not None]


def directory_objs(path, recurse):
    objs = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        if not recurse:
            dirs[:] = []
        for f in sorted(files):
            p = os.path.join(root, f)
            if f.endswith(".json"):
                with open(p) as fh:
                    objs.append(json.load(fh))
            elif f.endswith((".yaml", ".yml")):
                with open(p) as fh:
                    objs.extend(load_yaml_stream(fh.read()))
    return objs


def main():
    out_yaml, out_json = sys.argv[1], sys.argv[2]
    repos, root = {}, None
    args = sys.argv[3:]
    while args:
        if args[0] == "--repo":
            u, d = args[1].split("=", 1)
            repos[u.rstrip("/").removesuffix(".git")] = d
            args = args[2:]
        elif args[0] == "--root":
            root = args[1]
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    with open(os.path.join(out_yaml, "index.json")) as fh:
        index = json.load(fh)
    counts = {"equal": 0, "differ": 0, "helm": 0, "unchecked": 0}
    for env in index["environments"]:
        for a in env["applications"]:
            name, dest_ns = a["name"], a["destination"].get("namespace", "")
            with open(os.path.join(out_yaml, a["file"])) as fh:
                got = load_yaml_stream(fh.read())
            jfile = os.path.join(out_json, a["file"][:-5] + ".json")
            with open(jfile) as fh:
                gotj = json.load(fh)["items"]
            if gotj != got:
                print("DIFF %s: the YAML and JSON renders differ" % name)
                counts["differ"] += 1
                continue
            srcs = a.get("sources") or [a["source"]]
            srcs = [s for s in srcs if "path" in s and "chart" not in s]
            if len(srcs) != 1:
                print("skip %s: %d path sources" % (name, len(srcs)))
                counts["unchecked"] += 1
                continue
            s = srcs[0]
            base = repos.get(s["repoURL"].rstrip("/").removesuffix(".git"), root)
            path = os.path.normpath(os.path.join(base, s["path"]))
            if os.path.exists(os.path.join(path, "Chart.yaml")):
                print("helm %s: %d objects (no oracle)" % (name, len(got)))
                counts["helm"] += 1
                continue
            kfile = any(os.path.exists(os.path.join(path, k)) for k in
                        ("kustomization.yaml", "kustomization.yml", "Kustomization"))
            if kfile:
                if s.get("kustomize"):
                    print("skip %s: Application-level kustomize options" % name)
                    counts["unchecked"] += 1
                    continue
                p = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True)
                if p.returncode:
                    print("DIFF %s: kubectl kustomize failed: %s" % (name, p.stderr.strip()))
                    counts["differ"] += 1
                    continue
                want, how = load_yaml_stream(p.stdout), "kubectl kustomize"
            else:
                d = s.get("directory") or {}
                if d.get("include") or d.get("exclude") or d.get("disableExtensionFilter"):
                    print("skip %s: directory include/exclude" % name)
                    counts["unchecked"] += 1
                    continue
                want, how = directory_objs(path, d.get("recurse", False)), "directory"
            want = argo_additions(name, dest_ns, want)
            wk = {key(o): o for o in want}
            gk = {key(o): o for o in got}
            bad = [k for k in sorted(set(wk) | set(gk), key=str) if wk.get(k) != gk.get(k)]
            if bad:
                print("DIFF %s (%s): %d of %d objects, first %s" % (name, how, len(bad), len(wk), bad[0]))
                counts["differ"] += 1
            else:
                print("ok   %s (%s): %d objects" % (name, how, len(got)))
                counts["equal"] += 1
    print("%(equal)d equal, %(differ)d differ, %(helm)d helm (YAML = JSON only), "
          "%(unchecked)d unchecked" % counts)
    sys.exit(1 if counts["differ"] else 0)


if __name__ == "__main__":
    main()
