#!/usr/bin/env python3
"""Randomised differential test of `manifestc build` against `kubectl
kustomize` (Kustomize v5.5.0): generates small kustomization trees that
combine features the conformance cases exercise one at a time, builds each
with both programs, and reports every tree where stdout bytes or success
differ.

Each tree is a base of workloads, services, config, RBAC, CRDs and custom
resources that refer to each other by name, and up to three layers above
it (overlays and components) that each pick a random set of fields:
namespace, prefixes and suffixes, labels in every form, annotations,
images in every form, replicas, generators with every option and behavior,
strategic merge patches on the built-in list types ($patch directives,
$setElementOrder, $retainKeys, null), JSON 6902 ops on every path shape,
targets by regex and label/annotation selectors, replacements with every
option, vars, configurations, crds, openapi, sortOptions, buildMetadata,
builtin plugin configs under generators:/transformers:.  The YAML itself
varies (quoting, flow and block styles, comments, anchors and merge keys,
block scalars, JSON documents, `---` variants).  The generator is seeded:
a tree is reproduced from its seed.

usage: kustomize-gen.py [--seed N] [--count N] [--manifestc PATH]
                        [--keep DIR] [--only-seed N] [--write DIR]
"""
import argparse, os, random, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from kgen_yaml import Writer, Raw, Lit, Anchor, Alias, MERGE, has_special  # noqa: E402

APPS = ["web", "api", "db", "cache", "worker"]
IMAGES = ["nginx", "nginx:1.21", "busybox", "busybox:1.36", "redis:7", "docker.io/library/nginx:1.2",
          "registry.example.com:5000/team/app:v1", "registry.example.com:5000/team/app",
          "gcr.io/proj/api@sha256:" + "a" * 64, "postgres:15.2", "ghcr.io/org/worker:2.0",
          "nginx:1.21@sha256:" + "b" * 64, "localhost:5000/app"]
IMAGE_NAMES = ["nginx", "busybox", "redis", "docker.io/library/nginx", "registry.example.com:5000/team/app",
               "gcr.io/proj/api", "postgres", "ghcr.io/org/worker", "localhost:5000/app", "registry.example.com"]
DIGEST = "sha256:" + "c" * 64


class Tree:
    def __init__(self, rng):
        self.rng = rng
        self.files = {}
        self.flags = []

    def write(self, path, text):
        self.files[path] = text


class Ctx:
    """What the generated layers know about the base."""

    def __init__(self, rng):
        self.rng = rng
        self.kinds = {}          # kind -> [names]
        self.res = []            # (kind, name, namespace, labels, annotations)
        self.cms, self.secrets, self.sas, self.pvcs = [], [], [], []
        self.services, self.workloads, self.roles, self.croles = [], [], [], []
        self.crd_kind = None
        self.gen_names = []      # generator names (configmaps, secrets)
        self.uses_openapi = False

    def add(self, kind, name, ns=None, labels=None, annotations=None):
        self.kinds.setdefault(kind, []).append(name)
        self.res.append((kind, name, ns, labels or {}, annotations or {}))


# ----------------------------------------------------------- resources

def pick(rng, xs, k=None):
    if k is None:
        return rng.choice(xs)
    return rng.sample(xs, min(k, len(xs)))


def maybe(rng, p=0.5):
    return rng.random() < p


def labels_for(rng, app):
    l = {"app": app}
    if maybe(rng, 0.3):
        l["tier"] = pick(rng, ["frontend", "backend"])
    if maybe(rng, 0.1):
        l["version"] = pick(rng, ["1.0", "2", Raw("3"), "true"]) if maybe(rng, 0.5) else "v1"
    return l


def container(rng, cx, name, img=None):
    c = {"name": name, "image": img or pick(rng, IMAGES)}
    if maybe(rng, 0.5):
        ports = []
        for p in pick(rng, [80, 8080, 443, 9090, 53], rng.randint(1, 2)):
            port = {"containerPort": p}
            if maybe(rng, 0.3):
                port["protocol"] = pick(rng, ["TCP", "UDP"])
            if maybe(rng, 0.3):
                port["name"] = "p" + str(p)
            ports.append(port)
        c["ports"] = ports
    if maybe(rng, 0.5):
        env = [{"name": "MODE", "value": pick(rng, ["prod", "dev", "1", "true"])}]
        if cx.cms and maybe(rng):
            env.append({"name": "CFG", "valueFrom": {"configMapKeyRef": {"name": pick(rng, cx.cms), "key": "a"}}})
        if cx.secrets and maybe(rng):
            env.append({"name": "PASS", "valueFrom": {"secretKeyRef": {"name": pick(rng, cx.secrets), "key": "p"}}})
        if maybe(rng, 0.2):
            env.append({"name": "REF", "value": "$(MY_VAR)"})
        c["env"] = env
    if maybe(rng, 0.3) and (cx.cms or cx.secrets):
        ef = []
        if cx.cms:
            ef.append({"configMapRef": {"name": pick(rng, cx.cms)}})
        if cx.secrets and maybe(rng):
            ef.append({"secretRef": {"name": pick(rng, cx.secrets)}, "prefix": "S_"})
        c["envFrom"] = ef
    if maybe(rng, 0.4):
        c["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        if maybe(rng, 0.3):
            c["volumeMounts"].append({"name": "cfg", "mountPath": "/etc/cfg", "readOnly": True})
    if maybe(rng, 0.3):
        c["resources"] = {"limits": {"cpu": pick(rng, ["100m", Raw("1"), "0.5"]), "memory": "64Mi"}}
    if maybe(rng, 0.15):
        c["args"] = ["--flag", pick(rng, ["$(MY_VAR)", "x", "1"])]
    if maybe(rng, 0.1):
        c["command"] = ["sh", "-c", Lit("echo hi\nsleep 1\n") if maybe(rng) else "echo hi"]
    return c


def pod_spec(rng, cx, app):
    spec = {"containers": [container(rng, cx, app)]}
    if maybe(rng, 0.3):
        spec["containers"].append(container(rng, cx, "sidecar", pick(rng, ["busybox", "envoy:1.2"])))
    if maybe(rng, 0.25):
        spec["initContainers"] = [container(rng, cx, "init", pick(rng, ["busybox:1.36", "alpine"]))]
    vols = []
    if maybe(rng, 0.5):
        vols.append({"name": "data", "emptyDir": {}} if maybe(rng) or not cx.pvcs else
                    {"name": "data", "persistentVolumeClaim": {"claimName": pick(rng, cx.pvcs)}})
    if cx.cms and maybe(rng, 0.4):
        v = {"name": "cfg", "configMap": {"name": pick(rng, cx.cms)}}
        if maybe(rng, 0.2):
            v["configMap"]["defaultMode"] = Raw("0644") if maybe(rng) else 420
        vols.append(v)
    if cx.secrets and maybe(rng, 0.3):
        vols.append({"name": "sec", "secret": {"secretName": pick(rng, cx.secrets)}})
    if (cx.cms or cx.secrets) and maybe(rng, 0.15):
        srcs = []
        if cx.cms:
            srcs.append({"configMap": {"name": pick(rng, cx.cms)}})
        if cx.secrets:
            srcs.append({"secret": {"name": pick(rng, cx.secrets)}})
        vols.append({"name": "proj", "projected": {"sources": srcs}})
    if vols:
        spec["volumes"] = vols
    if cx.sas and maybe(rng, 0.4):
        spec["serviceAccountName"] = pick(rng, cx.sas + ["default"])
    if cx.secrets and maybe(rng, 0.2):
        spec["imagePullSecrets"] = [{"name": pick(rng, cx.secrets)}]
    if maybe(rng, 0.25):
        spec["tolerations"] = [{"key": "k", "operator": "Exists", "effect": pick(rng, ["NoSchedule", "NoExecute"])}]
    if maybe(rng, 0.15):
        spec["hostAliases"] = [{"ip": "10.0.0.1", "hostnames": ["a.local"]}]
    if maybe(rng, 0.1):
        spec["nodeSelector"] = {"disk": "ssd"}
    if maybe(rng, 0.1):
        spec["priorityClassName"] = "high"
    if maybe(rng, 0.1):
        spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                              "labelSelector": {"matchLabels": {"app": app}}}}]}}
    return spec


def meta(rng, name, ns=None, labels=None, annotations=None):
    m = {"name": name}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    return m


def workload(rng, cx, kind, app, ns):
    labels = labels_for(rng, app)
    ann = {"team": "core"} if maybe(rng, 0.2) else None
    if maybe(rng, 0.1):
        ann = dict(ann or {}, odd=pick(rng, UNUSUAL_VALUES))
    tmpl = {"metadata": {"labels": dict(labels)}, "spec": pod_spec(rng, cx, app)}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        spec = {"selector": {"matchLabels": {"app": app}}, "template": tmpl}
        if kind != "DaemonSet" and maybe(rng, 0.7):
            spec["replicas"] = rng.randint(1, 3)
        if kind == "StatefulSet":
            spec["serviceName"] = pick(rng, cx.services) if cx.services else app
            if maybe(rng, 0.3):
                spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"},
                                                 "spec": {"accessModes": ["ReadWriteOnce"],
                                                          "resources": {"requests": {"storage": "1Gi"}}}}]
        api = "apps/v1"
    elif kind == "Job":
        tmpl["spec"]["restartPolicy"] = "Never"
        spec = {"template": tmpl}
        api = "batch/v1"
    elif kind == "CronJob":
        tmpl["spec"]["restartPolicy"] = "OnFailure"
        spec = {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": tmpl}}}
        api = "batch/v1"
    else:  # Pod
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(rng, app, ns, labels, ann),
                "spec": tmpl["spec"]}
    return {"apiVersion": api, "kind": kind, "metadata": meta(rng, app, ns, labels, ann), "spec": spec}


def anchor_and_merge(rng, docs):
    """Anchors, aliases and merge keys inside one document (kyaml expands
    them when it reads the file)."""
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet") and "selector" in d.get("spec", {}):
            labels = d["spec"]["selector"]["matchLabels"]
            d["spec"]["selector"]["matchLabels"] = Anchor("sel", labels)
            tl = d["spec"]["template"]["metadata"]["labels"]
            extra = {k: v for k, v in tl.items() if k not in labels}
            if extra and maybe(rng):
                d["spec"]["template"]["metadata"]["labels"] = {MERGE: Alias("sel"), **extra}
            else:
                d["spec"]["template"]["metadata"]["labels"] = Alias("sel")
            return
        if d["kind"] == "ConfigMap" and "data" in d:
            # metadata comes first in the document: the anchor goes there
            ann = {k: v for k, v in d["data"].items() if isinstance(v, str)} or {"k": "v"}
            d["metadata"]["annotations"] = Anchor("data", ann)
            d["data"] = {MERGE: Alias("data"), "extra": "1"} if maybe(rng) else Alias("data")
            return


UNUSUAL_VALUES = [Raw("0x1F"), Raw("1e3"), Raw("~"), Raw("2001-12-14"), Raw("yes"), Raw("'quoted'"),
                  Raw('"dq\ttab"'), "long " * 30, "ünicöde ✓", "", Raw("!!str 123"),
                  Raw("-.5"), Raw("+12"), Raw("0o17"), Raw("017"), Raw("1_000"), Raw(".NaN"),
                  Lit("keep trailing\n\n\n", "|+"), Lit("folded\nlines\n", ">"), Raw("null"), Raw("[]"),
                  Raw("{}"), Raw("2001-12-14T21:59:43.10-05:00"), Raw("'it''s'"), Raw("12:30:00")]


def make_base(rng, cx, ns):
    """The base's resources, in a random order, with references."""
    docs = []
    napps = rng.randint(1, 3)
    apps = pick(rng, APPS, napps)
    # config first, so workloads can refer to it
    for i in range(rng.randint(0, 2)):
        name = pick(rng, ["app-config", "settings", "env"]) + ("" if i == 0 else str(i))
        if name in cx.cms:
            continue
        cx.cms.append(name)
        data = {"a": "1", "b": pick(rng, ["x", "hello world", "true", Lit("line1\nline2\n")])}
        if maybe(rng, 0.3):
            data["u"] = pick(rng, UNUSUAL_VALUES)
        if maybe(rng, 0.2):
            data["c.json"] = Lit('{"k": 1}\n')
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(rng, name, ns), "data": data})
        cx.add("ConfigMap", name, ns)
    if maybe(rng, 0.6):
        name = pick(rng, ["creds", "db-secret", "tls"])
        cx.secrets.append(name)
        s = {"apiVersion": "v1", "kind": "Secret", "metadata": meta(rng, name, ns),
             "type": "Opaque", "data": {"p": "cGFzcw=="}}
        if maybe(rng, 0.3):
            s["stringData"] = {"q": "plain"}
        docs.append(s)
        cx.add("Secret", name, ns)
    if maybe(rng, 0.5):
        name = pick(rng, ["runner", "app-sa"])
        cx.sas.append(name)
        docs.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(rng, name, ns)})
        cx.add("ServiceAccount", name, ns)
    if maybe(rng, 0.3):
        name = "data-pvc"
        cx.pvcs.append(name)
        docs.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(rng, name, ns),
                     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                              **({"storageClassName": "fast"} if maybe(rng, 0.3) else {})}})
        cx.add("PersistentVolumeClaim", name, ns)
    for app in apps:
        if maybe(rng, 0.7):
            svc = {"apiVersion": "v1", "kind": "Service", "metadata": meta(rng, app, ns, {"app": app}),
                   "spec": {"selector": {"app": app},
                            "ports": [{"port": 80, "targetPort": pick(rng, [8080, "http", Raw("8080")])}]}}
            if maybe(rng, 0.3):
                svc["spec"]["ports"].append({"port": 53, "protocol": "UDP", "name": "dns"})
            docs.append(svc)
            cx.services.append(app)
            cx.add("Service", app, ns)
    for app in apps:
        kind = pick(rng, ["Deployment", "Deployment", "Deployment", "StatefulSet", "DaemonSet",
                          "Job", "CronJob", "Pod"])
        w = workload(rng, cx, kind, app, ns)
        docs.append(w)
        cx.workloads.append((kind, app))
        cx.add(kind, app, ns, w["metadata"].get("labels"), w["metadata"].get("annotations"))
    extra = ["Ingress", "HPA", "PDB", "Role", "ClusterRole", "NetworkPolicy", "Namespace", "CRD",
             "Webhook", "PriorityClass", "StorageClass", "APIService", "Endpoints", "SAWithSecrets",
             "PV", "IngressClass", "VAP", "IngressLegacy"]
    for e in pick(rng, extra, rng.randint(0, 4)):
        docs.extend(extra_resource(rng, cx, e, ns, apps))
    seen, uniq = set(), []
    for d in docs:
        key = (d["kind"], d["metadata"]["name"])
        if key not in seen:
            seen.add(key)
            uniq.append(d)
    docs = uniq
    rng.shuffle(docs)
    if maybe(rng, 0.15):
        anchor_and_merge(rng, docs)
    return docs


def extra_resource(rng, cx, e, ns, apps):
    app = pick(rng, apps)
    if e == "Ingress":
        spec = {"rules": [{"host": "a.example.com", "http": {"paths": [
            {"path": "/", "pathType": "Prefix",
             "backend": {"service": {"name": pick(rng, cx.services) if cx.services else app,
                                     "port": {"number": 80}}}}]}}]}
        if cx.secrets and maybe(rng):
            spec["tls"] = [{"hosts": ["a.example.com"], "secretName": pick(rng, cx.secrets)}]
        if maybe(rng, 0.2):
            spec["ingressClassName"] = "nginx"
        cx.add("Ingress", "ing", ns)
        return [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(rng, "ing", ns),
                 "spec": spec}]
    if e == "HPA":
        kinds = [k for k, a in cx.workloads if k in ("Deployment", "StatefulSet")]
        if not kinds:
            return []
        tgt = [(k, a) for k, a in cx.workloads if k in ("Deployment", "StatefulSet")][0]
        cx.add("HorizontalPodAutoscaler", "hpa", ns)
        return [{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(rng, "hpa", ns),
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": tgt[0], "name": tgt[1]},
                          "minReplicas": 1, "maxReplicas": 5}}]
    if e == "PDB":
        cx.add("PodDisruptionBudget", "pdb", ns)
        return [{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(rng, "pdb", ns),
                 "spec": {"minAvailable": pick(rng, [1, "50%"]), "selector": {"matchLabels": {"app": app}}}}]
    if e in ("Role", "ClusterRole"):
        out = []
        rname = "reader"
        if e == "Role":
            cx.roles.append(rname)
            out.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(rng, rname, ns),
                        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"],
                                   **({"resourceNames": [pick(rng, cx.cms)]} if cx.cms and maybe(rng) else {})}]})
            cx.add("Role", rname, ns)
        else:
            cx.croles.append(rname)
            out.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                        "metadata": meta(rng, rname), "rules": [{"apiGroups": ["*"], "resources": ["*"],
                                                                 "verbs": ["list"]}]})
            cx.add("ClusterRole", rname)
        subj = [{"kind": "ServiceAccount", "name": pick(rng, cx.sas) if cx.sas else "default",
                 **({"namespace": pick(rng, [ns or "default", "other"])} if maybe(rng) else {})}]
        if maybe(rng, 0.3):
            subj.append({"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"})
        bkind = "RoleBinding" if e == "Role" or maybe(rng) else "ClusterRoleBinding"
        b = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": bkind,
             "metadata": meta(rng, "bind", ns if bkind == "RoleBinding" else None),
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": e, "name": rname},
             "subjects": subj}
        out.append(b)
        cx.add(bkind, "bind", ns if bkind == "RoleBinding" else None)
        return out
    if e == "NetworkPolicy":
        cx.add("NetworkPolicy", "np", ns)
        return [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(rng, "np", ns),
                 "spec": {"podSelector": {"matchLabels": {"app": app}}, "policyTypes": ["Ingress"],
                          "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": app}}}]}]}}]
    if e == "Namespace":
        name = ns or "team"
        cx.add("Namespace", name)
        return [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(rng, name, None, {"team": "a"})}]
    if e == "CRD":
        cx.crd_kind = "Widget"
        crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.example.com"},
               "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                        "scope": "Namespaced",
                        "versions": [{"name": "v1", "served": True, "storage": True,
                                      "schema": {"openAPIV3Schema": {"type": "object",
                                                                     "x-kubernetes-preserve-unknown-fields": True}}}]}}
        cr = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": meta(rng, "w1", ns, {"app": app}),
              "spec": {"image": pick(rng, IMAGES), "replicas": 2,
                       "items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}],
                       "configRef": pick(rng, cx.cms) if cx.cms else "none",
                       "selector": {"matchLabels": {"app": app}}}}
        cx.add("CustomResourceDefinition", "widgets.example.com")
        cx.add("Widget", "w1", ns)
        return [crd, cr]
    if e == "Webhook":
        svc = pick(rng, cx.services) if cx.services else app
        cx.add("ValidatingWebhookConfiguration", "vwh")
        return [{"apiVersion": "admissionregistration.k8s.io/v1", "kind": pick(rng, ["ValidatingWebhookConfiguration",
                                                                                     "MutatingWebhookConfiguration"]),
                 "metadata": {"name": "vwh"},
                 "webhooks": [{"name": "v.example.com", "admissionReviewVersions": ["v1"], "sideEffects": "None",
                               "clientConfig": {"service": {"name": svc, "namespace": ns or "default",
                                                            "path": "/validate"}}}]}]
    if e == "PriorityClass":
        cx.add("PriorityClass", "high")
        return [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                 "value": 1000}]
    if e == "StorageClass":
        cx.add("StorageClass", "fast")
        return [{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
                 "provisioner": "kubernetes.io/no-provisioner"}]
    if e == "APIService":
        svc = pick(rng, cx.services) if cx.services else app
        cx.add("APIService", "v1.metrics.example.com")
        return [{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
                 "metadata": {"name": "v1.metrics.example.com"},
                 "spec": {"group": "metrics.example.com", "version": "v1", "groupPriorityMinimum": 100,
                          "versionPriority": 100, "service": {"name": svc, "namespace": ns or "default"}}}]
    if e == "SAWithSecrets":
        if not cx.secrets:
            return []
        cx.add("ServiceAccount", "puller", ns)
        return [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(rng, "puller", ns),
                 "imagePullSecrets": [{"name": pick(rng, cx.secrets)}],
                 "secrets": [{"name": pick(rng, cx.secrets)}]}]
    if e == "PV":
        out = [{"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
                "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                         "storageClassName": "fast",
                         **({"azureFile": {"secretName": pick(rng, cx.secrets), "shareName": "s"}}
                            if cx.secrets and maybe(rng) else {"hostPath": {"path": "/tmp"}}),
                         **({"claimRef": {"name": pick(rng, cx.pvcs), "namespace": ns or "default"}}
                            if cx.pvcs and maybe(rng) else {})}}]
        cx.add("PersistentVolume", "pv1")
        out.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(rng, "bound", ns),
                    "spec": {"volumeName": "pv1", "storageClassName": "fast", "accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "1Gi"}}}})
        cx.add("PersistentVolumeClaim", "bound", ns)
        cx.pvcs.append("bound")
        return out
    if e == "IngressClass":
        cx.add("IngressClass", "nginx")
        out = [{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
                "spec": {"controller": "k8s.io/ingress-nginx"}}]
        ann = {}
        if cx.secrets:
            ann["nginx.ingress.kubernetes.io/auth-secret"] = pick(rng, cx.secrets)
            ann["nginx.ingress.kubernetes.io/auth-tls-secret"] = (ns or "default") + "/" + pick(rng, cx.secrets)
        if cx.cms:
            ann["nginx.ingress.kubernetes.io/fastcgi-params-configmap"] = pick(rng, cx.cms)
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": meta(rng, "annotated", ns, None, ann or None),
                    "spec": {"ingressClassName": "nginx",
                             "defaultBackend": {"service": {"name": pick(rng, cx.services) if cx.services else app,
                                                            "port": {"number": 80}}}}})
        cx.add("Ingress", "annotated", ns)
        return out
    if e == "VAP":
        cx.add("ValidatingAdmissionPolicy", "pol")
        return [{"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
                 "metadata": {"name": "pol"}, "spec": {"validations": [{"expression": "true"}]}},
                {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
                 "metadata": {"name": "pol-binding"}, "spec": {"policyName": "pol",
                                                               "validationActions": ["Deny"]}}]
    if e == "IngressLegacy":
        cx.add("Ingress", "legacy", ns)
        svc = pick(rng, cx.services) if cx.services else app
        return [{"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": meta(rng, "legacy", ns),
                 "spec": {"backend": {"serviceName": svc, "servicePort": 80},
                          "rules": [{"http": {"paths": [{"backend": {"serviceName": svc, "servicePort": 80}}]}}]}}]
    if e == "Endpoints":
        cx.add("Endpoints", app, ns)
        return [{"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(rng, app + "-ep", ns),
                 "subsets": [{"addresses": [{"ip": "10.0.0.2"}], "ports": [{"port": 80}]}]}]
    return []


# ----------------------------------------------------- layer features

def any_res(rng, cx, kinds=None):
    cands = [r for r in cx.res if kinds is None or r[0] in kinds]
    return pick(rng, cands) if cands else None


def f_namespace(rng, cx, k, t, d):
    k["namespace"] = pick(rng, ["prod", "dev", "team-a", "default"])


def f_prefix(rng, cx, k, t, d):
    if maybe(rng, 0.8):
        k["namePrefix"] = pick(rng, ["prod-", "p-", "a.", "x-"])
    if maybe(rng, 0.5):
        k["nameSuffix"] = pick(rng, ["-v1", "-s", "-2"])


def f_common_labels(rng, cx, k, t, d):
    k["commonLabels"] = {pick(rng, ["env", "app", "team", "example.com/owner"]):
                         pick(rng, ["prod", "web", "1", "true", "a-b"])}


def f_labels(rng, cx, k, t, d):
    ent = []
    for _ in range(rng.randint(1, 2)):
        e = {"pairs": {pick(rng, ["env", "app", "owner", "version"]): pick(rng, ["x", "prod", "2", "true"])}}
        if maybe(rng):
            e["includeSelectors"] = maybe(rng)
        if maybe(rng):
            e["includeTemplates"] = maybe(rng)
        if maybe(rng, 0.2):
            e["fields"] = [{"path": pick(rng, ["spec/selector", "metadata/annotations", "spec/extra/labels",
                                              "spec/template/metadata/labels"]),
                            "kind": pick(rng, ["Deployment", "Widget", "Service"]),
                            "create": maybe(rng)}]
        ent.append(e)
    k["labels"] = ent


def f_common_annotations(rng, cx, k, t, d):
    k["commonAnnotations"] = {pick(rng, ["note", "example.com/owner", "a"]):
                              pick(rng, ["hello", Lit("multi\nline\n"), "1", "true", "x: y", ""])}


def f_images(rng, cx, k, t, d):
    ims = []
    for _ in range(rng.randint(1, 3)):
        e = {"name": pick(rng, IMAGE_NAMES)}
        form = rng.randint(0, 6)
        if form in (0, 3, 5):
            e["newTag"] = pick(rng, ["2.0", "latest", "v1.2.3", "1.10"])
        if form in (1, 3, 6):
            e["newName"] = pick(rng, ["my.registry:5000/x/nginx", "quay.io/y", "nginx", "localhost:5000/app"])
        if form in (2, 5, 6):
            e["digest"] = DIGEST
        if form == 4:
            e["newTag"] = pick(rng, ["a@" + DIGEST, "3"])
        if maybe(rng, 0.1):
            e["tagSuffix"] = "-debug"
        ims.append(e)
    k["images"] = ims


def f_replicas(rng, cx, k, t, d):
    names = [a for kk, a in cx.workloads if kk in ("Deployment", "StatefulSet", "ReplicaSet")]
    if not names:
        return
    if maybe(rng, 0.03):
        names = names + ["nope"]
    k["replicas"] = [{"name": pick(rng, names), "count": rng.randint(0, 5)} for _ in range(rng.randint(1, 2))]


def gen_options(rng):
    o = {}
    if maybe(rng, 0.4):
        o["disableNameSuffixHash"] = maybe(rng)
    if maybe(rng, 0.3):
        o["labels"] = {"gen": "yes"}
    if maybe(rng, 0.3):
        o["annotations"] = {"gen/note": "n"}
    if maybe(rng, 0.15):
        o["immutable"] = True
    return o


def f_generators(rng, cx, k, t, d, overlay):
    for kind in ("configMapGenerator", "secretGenerator"):
        if not maybe(rng, 0.6):
            continue
        gens = []
        for _ in range(rng.randint(1, 2)):
            existing = cx.cms if kind == "configMapGenerator" else cx.secrets
            pool = ["gen-cfg", "gen-cfg2", "props"] if kind == "configMapGenerator" else ["gen-secret", "gen-tls"]
            if overlay and existing and maybe(rng, 0.6):
                name = pick(rng, existing)
                behavior = pick(rng, ["merge", "replace", "merge"] + (["create"] if maybe(rng, 0.1) else []))
            else:
                fresh = [n for n in pool if n not in existing and n not in [x["name"] for x in gens]]
                if not fresh:
                    continue
                name = pick(rng, fresh)
                behavior = pick(rng, [None, None, "create"])
            g = {"name": name}
            if behavior:
                g["behavior"] = behavior
            src = rng.randint(0, 3)
            if src in (0, 3):
                g["literals"] = pick(rng, ["a=b", "K=v=w", "EMPTY=", "n=1", "x=true", "sp= spaced ",
                                           "q=\"quoted\"", "u=\u00e9t\u00e9"], rng.randint(1, 3))
            if src in (1, 3):
                fname = pick(rng, ["app.properties", "conf/a.txt", "b.json"])
                t.write(os.path.join(d, fname), pick(rng, ["k=v\n", "line1\nline2", "{\"a\": 1}\n", "\t tab\r\n"]))
                g["files"] = [pick(rng, [fname, "key.txt=" + fname])]
            if src == 2:
                t.write(os.path.join(d, "vars.env"),
                        pick(rng, ["A=1\nB=two\n", "# c\nA=1\n\nB= x \n", "A=\"q\"\nB='s'\nC=a=b\n", "EMPTY=\nX=1"]))
                g["envs"] = ["vars.env"]
            if kind == "secretGenerator" and maybe(rng, 0.2):
                g["type"] = pick(rng, ["Opaque", "kubernetes.io/tls", "kubernetes.io/basic-auth"])
            if maybe(rng, 0.3):
                g["options"] = gen_options(rng)
            if maybe(rng, 0.05):
                g["namespace"] = pick(rng, ["other", "prod"])
            gens.append(g)
            if kind == "configMapGenerator" and name not in cx.cms:
                cx.cms.append(name)
                cx.add("ConfigMap", name)
            if kind == "secretGenerator" and name not in cx.secrets:
                cx.secrets.append(name)
                cx.add("Secret", name)
        if gens:
            k[kind] = gens
    if maybe(rng, 0.3):
        k["generatorOptions"] = gen_options(rng)


def target(rng, cx, want_kind=None):
    r = any_res(rng, cx) if want_kind is None else any_res(rng, cx, [want_kind])
    tg = {}
    if r is None:
        return {"kind": "Deployment"}
    kind, name = r[0], r[1]
    form = rng.randint(0, 7)
    if form in (0, 1, 5):
        tg["kind"] = kind
    if form in (0, 2):
        tg["name"] = name
    if form == 3:
        tg["name"] = pick(rng, [name[:2] + ".*", ".*", name + "|other", "^" + name + "$", "(" + name + ")"])
        if maybe(rng):
            tg["kind"] = kind
    if form == 4:
        tg["labelSelector"] = pick(rng, ["app=" + pick(rng, APPS), "app in (web,api)", "!tier", "tier",
                                         "app!=db", "team=a"])
    if form == 5:
        tg["annotationSelector"] = pick(rng, ["team=core", "team", "!team"])
    if form == 6:
        tg["version"] = "v1"
        tg["kind"] = kind
    if form == 7:
        tg["group"] = pick(rng, ["apps", "", "example.com"])
        tg["kind"] = kind
    if maybe(rng, 0.1) and r[2]:
        tg["namespace"] = r[2]
    return tg


def smp_for(rng, cx, kind, name):
    """A strategic merge patch for a resource of this kind."""
    p = {"apiVersion": api_of(kind), "kind": kind, "metadata": {"name": name}}
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"):
        app = name
        cname = pick(rng, [app, "sidecar", "init", "new-one"])
        c = {"name": cname}
        ch = rng.randint(0, 11)
        if ch == 0:
            c["image"] = pick(rng, IMAGES)
        elif ch == 1:
            c["env"] = [{"name": pick(rng, ["MODE", "NEW"]), "value": "patched"}]
            if maybe(rng, 0.3):
                c["env"].append({"name": "MODE", "$patch": "delete"})
        elif ch == 2:
            c["ports"] = [{"containerPort": pick(rng, [80, 8080, 53]), **({"protocol": "UDP"} if maybe(rng) else {}),
                           "name": "patched"}]
        elif ch == 3:
            c["volumeMounts"] = [{"name": "cfg", "mountPath": pick(rng, ["/data", "/new"])}]
        elif ch == 4:
            c["$patch"] = pick(rng, ["delete", "replace"])
            c["image"] = "replaced:1"
        elif ch == 5:
            c["resources"] = {"limits": {"cpu": "200m"}} if maybe(rng) else None
        elif ch == 6:
            c["envFrom"] = [{"configMapRef": {"name": pick(rng, cx.cms) if cx.cms else "x"}}]
        elif ch == 7:
            c["args"] = ["--patched"]
            if maybe(rng, 0.3):
                c["$deleteFromPrimitiveList/args"] = ["--flag"]
        elif ch == 8:
            c["env"] = None
        elif ch == 9:
            c["livenessProbe"] = {"httpGet": {"path": "/", "port": 80}}
        else:
            c["image"] = "x:1"
            c["imagePullPolicy"] = "Always"
        spec = {}
        lst = pick(rng, ["containers", "containers", "containers", "initContainers"])
        spec[lst] = [c]
        if maybe(rng, 0.15):
            spec["$setElementOrder/" + lst] = [{"name": cname}, {"name": app}]
        extra = rng.randint(0, 10)
        if extra == 0:
            spec["volumes"] = [{"name": "cfg", "configMap": {"name": pick(rng, cx.cms) if cx.cms else "cm"}}]
        elif extra == 1:
            spec["tolerations"] = [{"key": "new", "operator": "Exists"}]
        elif extra == 2:
            spec["imagePullSecrets"] = [{"name": "pull"}]
        elif extra == 3:
            spec["hostAliases"] = [{"ip": "10.0.0.1", "hostnames": ["b.local"]}, {"ip": "10.0.0.9", "hostnames": ["c"]}]
        elif extra == 4:
            spec["volumes"] = [{"name": "data", "$patch": "delete"}]
        elif extra == 5:
            spec["volumes"] = {"$patch": "replace"} if False else [{"name": "only", "emptyDir": {}}, {"$patch": "replace"}]
        elif extra == 6:
            spec["nodeSelector"] = None
        elif extra == 7:
            spec["$retainKeys"] = ["containers"] if maybe(rng) else None
            if spec["$retainKeys"] is None:
                del spec["$retainKeys"]
        elif extra == 8:
            spec["affinity"] = {"$patch": "delete"}
        elif extra == 9:
            spec["serviceAccountName"] = pick(rng, cx.sas) if cx.sas else "sa"
        if kind == "CronJob":
            p["spec"] = {"jobTemplate": {"spec": {"template": {"spec": spec}}}}
        elif kind == "Pod":
            p["spec"] = spec
        else:
            p["spec"] = {"template": {"spec": spec}}
            if maybe(rng, 0.3) and kind != "Job":
                p["spec"]["replicas"] = rng.randint(0, 4)
            if maybe(rng, 0.2):
                p["spec"]["template"]["metadata"] = {"labels": {"patched": "yes"},
                                                     "annotations": {"x": pick(rng, ["1", Raw("1"), None])}}
            if maybe(rng, 0.1):
                p["spec"]["strategy"] = {"$retainKeys": ["type"], "type": "Recreate"}
    elif kind == "Service":
        p["spec"] = {"ports": [{"port": pick(rng, [80, 443, 53]), "targetPort": 9000,
                                **({"protocol": "UDP"} if maybe(rng, 0.3) else {})}]}
        if maybe(rng, 0.2):
            p["spec"]["ports"].append({"$patch": "replace"})
        if maybe(rng, 0.2):
            p["spec"]["type"] = "NodePort"
    elif kind == "ConfigMap":
        p["data"] = {"a": pick(rng, ["patched", None]), "new": "v"}
    elif kind == "Secret":
        p["stringData"] = {"extra": "e"}
    elif kind == "Widget":
        p["spec"] = {"items": [{"name": "c", "v": 3}], "image": "patched:1"}
    elif kind == "Ingress":
        p["spec"] = {"rules": [{"host": "b.example.com"}]}
    elif kind in ("Role", "ClusterRole"):
        p["rules"] = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}]
    else:
        p["metadata"]["labels"] = {"patched": "true"}
    r = rng.randint(0, 12)
    if r == 0:
        p["metadata"]["labels"] = {"patched": "true", "app": None}
    elif r == 1:
        p["metadata"]["annotations"] = {"patched": pick(rng, ["1", "yes", Raw("1")])}
    elif r == 2:
        p["$patch"] = "delete"
    elif r == 3:
        p["metadata"]["annotations"] = None
    return p


def api_of(kind):
    return {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
            "Job": "batch/v1", "CronJob": "batch/v1", "Ingress": "networking.k8s.io/v1",
            "NetworkPolicy": "networking.k8s.io/v1", "Role": "rbac.authorization.k8s.io/v1",
            "ClusterRole": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding": "rbac.authorization.k8s.io/v1", "Widget": "example.com/v1",
            "HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
            "CustomResourceDefinition": "apiextensions.k8s.io/v1",
            "ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
            "PriorityClass": "scheduling.k8s.io/v1", "StorageClass": "storage.k8s.io/v1",
            "APIService": "apiregistration.k8s.io/v1"}.get(kind, "v1")


POD_PATH = {"Deployment": "/spec/template/spec", "StatefulSet": "/spec/template/spec",
            "DaemonSet": "/spec/template/spec", "Job": "/spec/template/spec",
            "CronJob": "/spec/jobTemplate/spec/template/spec", "Pod": "/spec"}


def json_ops(rng, cx, kind):
    ops = []
    pod = POD_PATH.get(kind)
    for _ in range(rng.randint(1, 3)):
        generic = not pod and kind not in ("ConfigMap", "Widget", "Service") or maybe(rng, 0.45)
        if generic:
            ch = rng.randint(0, 9)
            if ch == 0:
                ops.append({"op": "add", "path": "/metadata/annotations/" + pick(rng, ["x", "a~1b", "t~0t"]),
                            "value": pick(rng, ["v", "1", 1, True, None])})
            elif ch == 1:
                ops.append({"op": "add", "path": "/metadata/labels/" + pick(rng, ["x", "app"]), "value": "j"})
            elif ch == 2:
                ops.append({"op": "replace", "path": "/metadata/name", "value": "renamed"})
            elif ch == 3:
                ops.append({"op": "remove", "path": pick(rng, ["/metadata/labels", "/metadata/labels/app",
                                                              "/metadata/annotations"])})
            elif ch == 4:
                ops.append({"op": "test", "path": pick(rng, ["/kind", "/metadata/name"]),
                            "value": pick(rng, [kind, kind, "web"])})
            elif ch == 5:
                ops.append({"op": "copy", "from": pick(rng, ["/metadata/labels", "/metadata/name", "/metadata/annotations"]),
                            "path": pick(rng, ["/metadata/annotations/copied", "/metadata/labels/copied"])})
            elif ch == 6:
                ops.append({"op": "move", "from": "/metadata/labels/app", "path": "/metadata/annotations/moved"})
            elif ch == 7:
                ops.append({"op": "add", "path": "/metadata/finalizers", "value": ["a", "b"]})
            elif ch == 8:
                ops.append({"op": "replace", "path": "/metadata/namespace", "value": "jns"})
            else:
                ops.append({"op": "add", "path": "/metadata/labels", "value": {"only": "this"}})
            continue
        if pod:
            ch = rng.randint(0, 8)
            c0 = pod + "/containers/0"
            if ch == 0:
                ops.append({"op": "add", "path": pod + "/containers/" + pick(rng, ["-", "0", "1", "-1"]),
                            "value": {"name": "added", "image": "added:1"}})
            elif ch == 1:
                ops.append({"op": "replace", "path": c0 + "/image", "value": "rep:2"})
            elif ch == 2:
                ops.append({"op": "add", "path": c0 + "/env", "value": [{"name": "J", "value": "k"}]})
            elif ch == 3:
                ops.append({"op": "add", "path": c0 + "/args", "value": ["--x", 1, "y"]})
            elif ch == 4:
                ops.append({"op": "remove", "path": pod + "/containers/" + pick(rng, ["0", "5", "-1"])})
            elif ch == 5 and kind in ("Deployment", "StatefulSet"):
                ops.append({"op": pick(rng, ["add", "replace"]), "path": "/spec/replicas",
                            "value": pick(rng, [3, "3", 2.5, 0])})
            elif ch == 6:
                ops.append({"op": "add", "path": pod + "/tolerations", "value": [{"key": "j", "operator": "Exists"}]})
            elif ch == 7:
                ops.append({"op": "copy", "from": c0 + "/image", "path": pod + "/containers/0/name"})
            else:
                ops.append({"op": "add", "path": pod.rsplit("/spec", 1)[0] + "/metadata/annotations",
                            "value": {"a": "b", "n": 1}})
        elif kind == "ConfigMap":
            ops.append(pick(rng, [{"op": "add", "path": "/data/" + pick(rng, ["k", "a", "x.y"]), "value": pick(rng, ["v", "1"])},
                                  {"op": "remove", "path": "/data/a"},
                                  {"op": "replace", "path": "/data", "value": {"only": "1"}},
                                  {"op": "move", "from": "/data/a", "path": "/data/moved"}]))
        elif kind == "Widget":
            ops.append(pick(rng, [{"op": "add", "path": "/spec/items/" + pick(rng, ["1", "-", "0"]), "value": {"name": "ins"}},
                                  {"op": "replace", "path": "/spec/image", "value": "w:2"},
                                  {"op": "remove", "path": "/spec/items/0"},
                                  {"op": "test", "path": "/spec/replicas", "value": 2}]))
        else:  # Service
            ops.append(pick(rng, [{"op": "add", "path": "/spec/ports/-", "value": {"port": 8443, "name": "x"}},
                                  {"op": "replace", "path": "/spec/ports/0/port", "value": 81},
                                  {"op": "add", "path": "/spec/type", "value": "NodePort"}]))
    return ops


def f_patches(rng, cx, k, t, d, w):
    pats = []
    for i in range(rng.randint(1, 3)):
        ent = {}
        if maybe(rng, 0.45):
            # JSON 6902
            tg = target(rng, cx)
            kind = tg.get("kind") or "Deployment"
            ops = json_ops(rng, cx, kind)
            style = rng.randint(0, 3)
            if style == 0:
                import json as _j
                text = _j.dumps(ops)
            elif style == 1:
                text = w.doc(ops)
            else:
                text = w.doc(ops)
            if maybe(rng, 0.4):
                fname = f"jp{i}." + ("json" if style == 0 else "yaml")
                t.write(os.path.join(d, fname), text)
                ent["path"] = fname
            else:
                ent["patch"] = Lit(text if text.endswith("\n") else text + "\n")
            if maybe(rng, 0.97):
                ent["target"] = tg
        else:
            r = any_res(rng, cx)
            if r is None:
                continue
            p = smp_for(rng, cx, r[0], r[1])
            if r[2] and maybe(rng, 0.9):
                p["metadata"]["namespace"] = r[2]
            text = w.doc(p)
            if maybe(rng, 0.3):
                ent["target"] = target(rng, cx, r[0] if maybe(rng, 0.7) else None)
            if maybe(rng, 0.4):
                fname = f"smp{i}.yaml"
                t.write(os.path.join(d, fname), text)
                ent["path"] = fname
            else:
                ent["patch"] = Lit(text)
            if maybe(rng, 0.1):
                ent["options"] = {pick(rng, ["allowNameChange", "allowKindChange"]): True}
        pats.append(ent)
    if pats:
        k["patches"] = pats
    if maybe(rng, 0.15):
        r = any_res(rng, cx)
        if r:
            lp = smp_for(rng, cx, r[0], r[1])
            if r[2]:
                lp["metadata"]["namespace"] = r[2]
            t.write(os.path.join(d, "legacy-smp.yaml"), w.docs([lp]))
            k["patchesStrategicMerge"] = ["legacy-smp.yaml"]
    if maybe(rng, 0.1):
        r = any_res(rng, cx)
        if r:
            t.write(os.path.join(d, "legacy-jp.yaml"), w.doc(json_ops(rng, cx, r[0])))
            k["patchesJson6902"] = [{"target": {"version": api_of(r[0]).split("/")[-1],
                                                **({"group": api_of(r[0]).split("/")[0]} if "/" in api_of(r[0]) else {}),
                                                "kind": r[0], "name": r[1]},
                                     "path": "legacy-jp.yaml"}]


def field_path(rng, kind):
    return pick(rng, {
        "Deployment": ["spec.replicas", "spec.template.spec.containers.0.image",
                       "spec.template.spec.containers.[name=web].image", "metadata.labels.app",
                       "spec.template.metadata.labels", "spec.template.spec.containers.*.image",
                       "metadata.annotations", "spec.template.spec.serviceAccountName",
                       "spec.template.spec.containers.[name=web].env.[name=MODE].value"],
        "Service": ["spec.ports.0.port", "metadata.name", "spec.selector.app", "spec.ports.[port=80].targetPort"],
        "ConfigMap": ["data.a", "data.b", "metadata.name", "data"],
        "Widget": ["spec.image", "spec.replicas", "spec.items.[name=a].v", "spec.configRef"],
    }.get(kind, ["metadata.name", "metadata.namespace", "metadata.labels.app"]))


def f_replacements(rng, cx, k, t, d, w):
    reps = []
    for _ in range(rng.randint(1, 2)):
        src = any_res(rng, cx)
        if src is None:
            return
        s = {"kind": src[0], "name": src[1]}
        if maybe(rng, 0.2):
            s = {"kind": src[0]}
        s["fieldPath"] = field_path(rng, src[0])
        if maybe(rng, 0.2):
            s["options"] = {"delimiter": pick(rng, [":", "-", "/", "."]), "index": rng.randint(-1, 2)}
        tgts = []
        for _ in range(rng.randint(1, 2)):
            tr = any_res(rng, cx)
            if tr is None:
                continue
            sel = {"kind": tr[0]}
            if maybe(rng):
                sel["name"] = tr[1]
            if maybe(rng, 0.1):
                sel = {"labelSelector": "app=" + pick(rng, APPS)}
            tg = {"select": sel, "fieldPaths": [field_path(rng, tr[0]) for _ in range(rng.randint(1, 2))]}
            if maybe(rng, 0.2):
                tg["reject"] = [{"name": pick(rng, APPS)}]
            if maybe(rng, 0.6):
                o = {}
                if maybe(rng, 0.7):
                    o["create"] = True
                if maybe(rng, 0.4):
                    o["delimiter"] = pick(rng, [":", "-", "."])
                    o["index"] = rng.randint(-1, 3)
                tg["options"] = o
            tgts.append(tg)
        reps.append({"source": s, "targets": tgts})
    if maybe(rng, 0.2):
        t.write(os.path.join(d, "repl.yaml"), w.doc(reps[0]))
        reps[0] = {"path": "repl.yaml"}
    k["replacements"] = reps


def f_vars(rng, cx, k, t, d, w):
    r = any_res(rng, cx)
    if r is None:
        return
    k["vars"] = [{"name": "MY_VAR", "objref": {"kind": r[0], "name": r[1], "apiVersion": api_of(r[0])},
                  **({"fieldref": {"fieldPath": pick(rng, ["metadata.name", "spec.replicas", "metadata.namespace",
                                                           "data.a", "spec.ports[0].port"])}} if maybe(rng, 0.7) else {})}]


def f_sort(rng, cx, k, t, d, w):
    if maybe(rng):
        k["sortOptions"] = {"order": "fifo"}
    else:
        so = {"order": "legacy"}
        if maybe(rng, 0.7):
            so["legacySortOptions"] = {"orderFirst": pick(rng, ["Namespace", "ConfigMap", "Service", "Widget", "Secret"], 2),
                                       "orderLast": pick(rng, ["Deployment", "Ingress", "ValidatingWebhookConfiguration"], 1)}
        k["sortOptions"] = so


def f_buildmeta(rng, cx, k, t, d, w):
    k["buildMetadata"] = pick(rng, ["originAnnotations", "transformerAnnotations", "managedByLabel"], rng.randint(1, 2))


def f_configurations(rng, cx, k, t, d, w):
    conf = {}
    ch = rng.randint(0, 3)
    if ch == 0:
        conf["images"] = [{"path": "spec/image", "kind": "Widget"}]
    elif ch == 1:
        conf["nameReference"] = [{"kind": "ConfigMap", "version": "v1",
                                  "fieldSpecs": [{"path": "spec/configRef", "kind": "Widget"}]}]
    elif ch == 2:
        conf["commonLabels"] = [{"path": "spec/selector/matchLabels", "kind": "Widget", "create": True}]
    else:
        conf["replicas"] = [{"path": "spec/replicas", "kind": "Widget"}]
    t.write(os.path.join(d, "config.yaml"), w.doc(conf))
    k["configurations"] = ["config.yaml"]


def f_builtin_plugins(rng, cx, k, t, d, w):
    ch = rng.randint(0, 7)
    docs = []
    if ch == 0:
        docs.append({"apiVersion": "builtin", "kind": "LabelTransformer", "metadata": {"name": "l"},
                     "labels": {"plug": "in"},
                     "fieldSpecs": [{"path": "metadata/labels", "create": True},
                                    {"path": "spec/template/metadata/labels", "create": maybe(rng), "kind": "Deployment"}]})
    elif ch == 1:
        docs.append({"apiVersion": "builtin", "kind": "AnnotationsTransformer", "metadata": {"name": "a"},
                     "annotations": {"plug": "in"}, "fieldSpecs": [{"path": "metadata/annotations", "create": True}]})
    elif ch == 2:
        docs.append({"apiVersion": "builtin", "kind": "PrefixSuffixTransformer", "metadata": {"name": "p"},
                     "prefix": "pp-", "suffix": pick(rng, ["", "-ss"]),
                     "fieldSpecs": [{"path": "metadata/name"}]})
    elif ch == 3:
        docs.append({"apiVersion": "builtin", "kind": "NamespaceTransformer", "metadata": {"name": "n", "namespace": "plug"},
                     "unsetOnly": maybe(rng), "setRoleBindingSubjects": pick(rng, ["defaultOnly", "allServiceAccounts", "none"]),
                     "fieldSpecs": [{"path": "metadata/namespace", "create": True}]})
    elif ch == 4:
        docs.append({"apiVersion": "builtin", "kind": "ImageTagTransformer", "metadata": {"name": "i"},
                     "imageTag": {"name": pick(rng, IMAGE_NAMES), "newTag": "plug"},
                     **({"fieldSpecs": [{"path": "spec/template/spec/containers/image"}]} if maybe(rng) else {})})
    elif ch == 5:
        r = any_res(rng, cx)
        docs.append({"apiVersion": "builtin", "kind": "PatchTransformer", "metadata": {"name": "pt"},
                     "patch": w.doc(json_ops(rng, cx, r[0] if r else "Deployment")),
                     "target": target(rng, cx)})
    elif ch == 6:
        docs.append({"apiVersion": "builtin", "kind": "ReplicaCountTransformer", "metadata": {"name": "r"},
                     "replica": {"name": pick(rng, APPS), "count": 9},
                     "fieldSpecs": [{"path": "spec/replicas", "create": True, "kind": "Deployment"}]})
    else:
        docs.append({"apiVersion": "builtin", "kind": "HashTransformer", "metadata": {"name": "h"}})
    if maybe(rng, 0.3):
        docs.append({"apiVersion": "builtin", "kind": "ConfigMapGenerator", "metadata": {"name": "plug-cm"},
                     "literals": ["p=1"], **({"behavior": "create"} if maybe(rng) else {})})
        field = "generators"
        t.write(os.path.join(d, "gen-plugin.yaml"), w.docs([docs.pop()]))
        k.setdefault(field, []).append("gen-plugin.yaml")
    if docs:
        if maybe(rng, 0.3):
            k.setdefault("transformers", []).append(w.doc(docs[0]))
        else:
            t.write(os.path.join(d, "plugins.yaml"), w.docs(docs))
            k.setdefault("transformers", []).append("plugins.yaml")


def f_crds(rng, cx, k, t, d, w):
    """crds: takes OpenAPI definitions (name -> {Schema, Dependencies})."""
    defs = {
        "example.com/api/v1.Widget": {"Schema": {"properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"},
            "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
            "spec": {"$ref": "example.com/api/v1.WidgetSpec"}}},
            "Dependencies": ["example.com/api/v1.WidgetSpec"]},
        "example.com/api/v1.WidgetSpec": {"Schema": {"properties": {
            "configRef": {"type": "string", "x-kubernetes-object-ref-api-version": "v1",
                          "x-kubernetes-object-ref-kind": "ConfigMap"},
            "selector": {"type": "object", "x-kubernetes-label-selector": ""},
            "note": {"type": "object", "x-kubernetes-annotation": ""},
            "id": {"type": "string", "x-kubernetes-identity": ""}}}},
    }
    import json as _j
    if maybe(rng):
        t.write(os.path.join(d, "crd.json"), _j.dumps(defs, indent=2))
        k["crds"] = ["crd.json"]
    else:
        t.write(os.path.join(d, "crd.yaml"), w.doc(defs))
        k["crds"] = ["crd.yaml"]


def f_openapi(rng, cx, k, t, d, w):
    schema = {"definitions": {"v1.Widget": {
        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                       "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
                       "spec": {"properties": {"items": {"type": "array", "items": {"type": "object"},
                                                         "x-kubernetes-patch-merge-key": "name",
                                                         "x-kubernetes-patch-strategy": "merge"}},
                                "type": "object"}},
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}]},
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {"properties": {"name": {"type": "string"}},
                                                            "type": "object"}}}
    import json as _j
    t.write(os.path.join(d, "schema.json"), _j.dumps(schema, indent=1))
    k["openapi"] = {"path": "schema.json"}


# --------------------------------------------------------------- trees

FEATURES = [
    ("namespace", f_namespace, 0.35), ("prefix", f_prefix, 0.4), ("commonLabels", f_common_labels, 0.25),
    ("labels", f_labels, 0.25), ("commonAnnotations", f_common_annotations, 0.2), ("images", f_images, 0.3),
    ("replicas", f_replicas, 0.2),
]
FEATURES2 = [
    ("patches", f_patches, 0.55), ("replacements", f_replacements, 0.2), ("vars", f_vars, 0.08),
    ("sort", f_sort, 0.15), ("buildmeta", f_buildmeta, 0.08), ("configurations", f_configurations, 0.08),
    ("plugins", f_builtin_plugins, 0.15), ("crds", f_crds, 0.06), ("openapi", f_openapi, 0.05),
]


def kust_doc(rng, k, component=False):
    d = {}
    if component:
        d["apiVersion"] = "kustomize.config.k8s.io/v1alpha1"
        d["kind"] = "Component"
    elif maybe(rng, 0.7):
        d["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
        d["kind"] = "Kustomization"
    d.update(k)
    return d


def layer(rng, cx, t, d, w, overlay, component=False):
    k = {}
    for name, f, p in FEATURES:
        if maybe(rng, p):
            f(rng, cx, k, t, d)
    if maybe(rng, 0.35):
        f_generators(rng, cx, k, t, d, overlay)
    for name, f, p in FEATURES2:
        if maybe(rng, p):
            f(rng, cx, k, t, d, w)
    return k


def make_tree(seed):
    rng = random.Random(seed)
    t = Tree(rng)
    w = Writer(rng, wild=rng.choice([0.0, 0.5, 1.0]))
    cx = Ctx(rng)
    ns = pick(rng, [None, None, "base-ns", "default"])
    docs = make_base(rng, cx, ns)
    base = {}
    # resources: split into files, sometimes a List, sometimes JSON
    nfiles = rng.randint(1, min(3, max(1, len(docs))))
    chunks = [docs[i::nfiles] for i in range(nfiles)]
    res_entries = []
    for i, ch in enumerate(chunks):
        if not ch:
            continue
        fname = f"res{i}.yaml"
        if maybe(rng, 0.1):
            text = w.doc({"apiVersion": "v1", "kind": "List", "items": ch})
        elif maybe(rng, 0.05) and len(ch) == 1 and not has_special(ch[0]):
            import json as _j
            fname = f"res{i}.json"
            text = _j.dumps(ch[0], indent=2)
        else:
            text = w.docs(ch)
        t.write("base/" + fname, text)
        res_entries.append(fname)
    base["resources"] = res_entries
    bk = layer(rng, cx, t, "base", w, False) if maybe(rng, 0.5) else {}
    base.update(bk)
    t.write("base/kustomization.yaml", w.doc(kust_doc(rng, base)))
    top = "base"
    nlayers = rng.choice([0, 1, 1, 2, 2, 3])
    comps = []
    for i in range(nlayers):
        if maybe(rng, 0.25):
            # a component used by the next overlay
            cd = f"comp{i}"
            ck = layer(rng, cx, t, cd, w, True, component=True)
            if maybe(rng, 0.3):
                extra = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"comp{i}-cm"},
                         "data": {"c": str(i)}}
                t.write(f"{cd}/extra.yaml", w.doc(extra))
                ck["resources"] = ["extra.yaml"]
                cx.add("ConfigMap", f"comp{i}-cm")
            if comps and maybe(rng, 0.3):
                ck["components"] = ["../" + comps[-1]]
                comps.pop()
            t.write(f"{cd}/kustomization.yaml", w.doc(kust_doc(rng, ck, component=True)))
            comps.append(cd)
            continue
        od = f"overlay{i}"
        ok = {"resources": ["../" + top]}
        if maybe(rng, 0.15):
            ok["resources"].append("../base") if top != "base" and maybe(rng, 0.2) else None
        if comps:
            ok["components"] = ["../" + c for c in comps]
            comps = []
        ok.update(layer(rng, cx, t, od, w, True))
        if maybe(rng, 0.1):
            od2 = od + "/local"
            t.write(od2 + "/more.yaml", w.doc({"apiVersion": "v1", "kind": "ConfigMap",
                                               "metadata": {"name": "more-" + str(i)}, "data": {"m": "1"}}))
            ok["resources"].append("local/more.yaml")
        t.write(f"{od}/kustomization.yaml", w.doc(kust_doc(rng, ok)))
        top = od
    if comps:
        od = "top"
        ok = {"resources": ["../" + top], "components": ["../" + c for c in comps]}
        t.write(f"{od}/kustomization.yaml", w.doc(kust_doc(rng, ok)))
        top = od
    if maybe(rng, 0.15):
        # a diamond: the tree so far and a sibling variant of the base
        # (its own prefix or namespace) aggregated by one kustomization
        vd = "variant"
        vk = {"resources": ["../base"]}
        vk[pick(rng, ["namePrefix", "nameSuffix", "namespace"])] = pick(rng, ["v-", "-v", "variant"])
        if maybe(rng):
            vk["commonLabels"] = {"variant": "yes"}
        if maybe(rng, 0.3):
            f_patches(rng, cx, vk, t, vd, w)
        t.write(f"{vd}/kustomization.yaml", w.doc(kust_doc(rng, vk)))
        ak = {"resources": ["../" + top, "../" + vd]}
        if maybe(rng, 0.5):
            ak["namespace"] = "agg"
        t.write("agg/kustomization.yaml", w.doc(kust_doc(rng, ak)))
        top = "agg"
    if maybe(rng, 0.1):
        # kustomization.yml / Kustomization spellings
        name = pick(rng, ["kustomization.yml", "Kustomization"])
        t.files[top + "/" + name] = t.files.pop(top + "/kustomization.yaml")
    if maybe(rng, 0.06):
        # a type error or an unknown field somewhere in the top kustomization
        text = t.files.get(top + "/kustomization.yaml")
        if text is not None:
            t.files[top + "/kustomization.yaml"] = text + pick(rng, [
                "namePrefix: 1\n", "commonLabels: [a]\n", "replicas: {a: 1}\n", "namePrefx: x-\n",
                "images:\n- name: x\n  newTag: 1.10\n", "resources: x\n", "buildMetadata: [bogus]\n",
                "sortOptions: {order: random}\n", "patches:\n- path: missing.yaml\n",
                "components:\n- ../missing\n", "generatorOptions: {disableNameSuffixHash: yes}\n"])
    flags = []
    if maybe(rng, 0.1):
        flags.append("--reorder=" + pick(rng, ["none", "legacy"]))
    if maybe(rng, 0.05):
        flags.append("--enable-managedby-label")
    return t, top, flags


# -------------------------------------------------------------- running

def run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return (-1, b"", b"timeout")
    return (r.returncode, r.stdout, r.stderr)


def write_tree(t, dst):
    for p, text in t.files.items():
        fp = os.path.join(dst, p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, "w", encoding="utf-8") as fh:
            fh.write(text)


def first_diff(a, b):
    wl = a.decode(errors="replace").splitlines()
    gl = b.decode(errors="replace").splitlines()
    for i in range(max(len(wl), len(gl))):
        x = wl[i] if i < len(wl) else "<end>"
        y = gl[i] if i < len(gl) else "<end>"
        if x != y:
            return f"line {i+1}: kubectl {x[:90]!r} manifestc {y[:90]!r}"
    return "trailing bytes"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--manifestc", default=os.path.join(ROOT, "build", "manifestc"))
    ap.add_argument("--keep", default="", help="copy every differing tree under DIR/seed-N")
    ap.add_argument("--write", default="", help="only write the tree of --seed to DIR")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.write:
        t, top, flags = make_tree(a.seed)
        write_tree(t, a.write)
        print(top, " ".join(flags))
        return 0
    same = diff = both_fail = 0
    diffs = []
    for seed in range(a.seed, a.seed + a.count):
        t, top, flags = make_tree(seed)
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(t, tmp)
            target = os.path.join(tmp, top)
            want = run(["kubectl", "kustomize", target] + flags)
            got = run([a.manifestc, "build", target] + flags)
            if want[0] != 0 and got[0] != 0 and got[0] in (1,):
                same += 1
                both_fail += 1
                continue
            if want[0] == got[0] == 0 and want[1] == got[1]:
                same += 1
                continue
            diff += 1
            if want[0] == got[0] == 0:
                why = first_diff(want[1], got[1])
            else:
                why = f"kubectl exit {want[0]}, manifestc exit {got[0]}"
                if want[0]:
                    lines = want[2].decode(errors='replace').strip().splitlines()
                    why += " | kubectl: " + (lines[-1][:160] if lines else "")
                if got[0]:
                    lines = got[2].decode(errors='replace').strip().splitlines()
                    why += " | manifestc: " + (lines[0][:160] if lines else "")
            print(f"DIFF seed {seed} ({top} {' '.join(flags)}): {why}", flush=True)
            diffs.append(seed)
            if a.keep:
                dst = os.path.join(a.keep, f"seed-{seed}")
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(tmp, dst)
                with open(os.path.join(dst, "BUILD"), "w") as fh:
                    fh.write(top + " " + " ".join(flags) + "\n")
    print(f"{a.count} trees from seed {a.seed}: {same} same ({both_fail} both failing), {diff} different")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
