#!/usr/bin/python3
"""Static and loopback checks of the container recipe, the Kubernetes manifests and the chart.

No cluster and no container engine exist where this runs, so it checks what can be checked:

  dockerfile        deploy/Dockerfile builds with the README's scripts, downloads nothing,
                    runs as non-root with ENTRYPOINT ["llmload"].
  runtime-packages  every library `ldd llmload` shows belongs to a package of
                    `install-deps.sh --runtime-only` or to one of their dependencies.
  kustomize         `kubectl kustomize` of deploy/k8s and of every overlay: required fields,
                    selectors, Service ports, ConfigMap/Secret keys, $(VAR)s, agent/master
                    wiring, --expect-agents == agent replicas, and every flag against
                    `llmload <command> --help`.
  local-run         the dry-run overlay's rendered commands, args and ConfigMap values run
                    for real on loopback (mock, master, agents), with only addresses, the
                    report directory and the run time changed; the agent readiness probe is
                    run against the live agents.
  chart             helm/llmload: Chart.yaml, every .Values path used by a template exists in
                    values.yaml, the dashboard copy, the chart's llmload flags.
  yamllint          yamllint (with the repository's .yamllint) on deploy/k8s, Chart.yaml and
                    values.yaml.
  helm              `helm lint` and `helm template` (skipped, exit 77, without helm).

Usage: check_deploy.py CHECK --source-dir DIR --binary PATH/llmload
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

SKIP = 77
LLMLOAD_IMAGE = re.compile(r"(^|/)llmload(:[^/]*)?$")
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass"}


class Failures:
    def __init__(self):
        self.items = []
        self.passed = 0

    def check(self, ok, message):
        if ok:
            self.passed += 1
        else:
            self.items.append(message)
        return ok

    def finish(self, name):
        for m in self.items:
            print(f"FAIL: {m}")
        print(f"{name}: {self.passed} passed, {len(self.items)} failed")
        return 1 if self.items else 0


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------------------------------------
# llmload's own flags

_help_cache = {}


def llmload_help(binary, command):
    if command not in _help_cache:
        r = run([binary, command, "--help"])
        _help_cache[command] = r.stdout if r.returncode == 0 else None
    return _help_cache[command]


def flag_known(binary, command, flag):
    text = llmload_help(binary, command)
    return text is not None and re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text)


def check_llmload_argv(f, binary, argv, where):
    """argv: llmload's arguments (command first). Checks the command and each --flag."""
    if not f.check(bool(argv), f"{where}: no llmload arguments"):
        return
    command = argv[0]
    if not f.check(llmload_help(binary, command) is not None,
                   f"{where}: `llmload {command} --help` fails: not a command"):
        return
    for a in argv[1:]:
        if a.startswith("--"):
            flag = a.split("=", 1)[0]
            f.check(flag_known(binary, command, flag),
                    f"{where}: `llmload {command}` has no flag {flag} (see `llmload {command} --help`)")


def llmload_argv(container):
    """The arguments llmload gets in this container, or None if it does not run llmload."""
    command = container.get("command")
    args = container.get("args") or []
    if not command:
        return list(args)
    if command[:2] == ["/bin/sh", "-c"] and len(command) >= 3 and 'llmload "$@"' in command[2]:
        return list(args)  # the master's wrapper: sh -c 'llmload "$@" ...' NAME ARGS...
    return None


# ---------------------------------------------------------------------------------------------
# dockerfile


def check_dockerfile(opts):
    f = Failures()
    src = opts.source_dir
    path = os.path.join(src, "deploy", "Dockerfile")
    text = open(path).read()
    # Join continuation lines, drop comments.
    logical = re.sub(r"\\\n", " ", "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#")))
    lines = [l.strip() for l in logical.splitlines() if l.strip()]
    froms = [l for l in lines if l.upper().startswith("FROM ")]
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", logical, re.M))
    f.check(args.get("DEBIAN_RELEASE") == "bookworm", "Dockerfile: ARG DEBIAN_RELEASE=bookworm expected")
    f.check(len(froms) >= 2, "Dockerfile: multi-stage (at least two FROM) expected")
    f.check(all(re.match(r"FROM debian:\$\{DEBIAN_RELEASE\}(-slim)?( AS \w+)?$", l, re.I) for l in froms),
            f"Dockerfile: every stage must be debian:${{DEBIAN_RELEASE}}[-slim]: {froms}")
    stages, current = {}, None
    for l in lines:
        m = re.match(r"FROM \S+ AS (\w+)", l, re.I)
        if m:
            current = m.group(1)
            stages[current] = []
        elif current:
            stages[current].append(l)
    build = " ".join(stages.get("build", []))
    runtime = " ".join(stages.get("runtime", []))
    f.check(re.search(r"RUN scripts/install-deps\.sh(\s|&&|$)", build),
            "Dockerfile build stage: must run scripts/install-deps.sh (the README's dependency list)")
    f.check("scripts/build.sh -DLLMLOAD_BUILD_TESTS=OFF -DLLMLOAD_BUILD_BENCHMARKS=OFF" in build,
            "Dockerfile build stage: must run scripts/build.sh -DLLMLOAD_BUILD_TESTS=OFF -DLLMLOAD_BUILD_BENCHMARKS=OFF")
    f.check("install-deps.sh --runtime-only" in runtime,
            "Dockerfile runtime stage: must install scripts/install-deps.sh --runtime-only")
    f.check(re.search(r"COPY --from=build \S+ /usr/local/bin/llmload", runtime),
            "Dockerfile runtime stage: must copy the binary from the build stage")
    for bad in (r"\bcurl\b", r"\bwget\b", r"FetchContent", r"^ADD\s+https?:", r"git clone"):
        f.check(not re.search(bad, logical, re.M), f"Dockerfile downloads something ({bad})")
    users = re.findall(r"^USER (\S+)", logical, re.M)
    f.check(users and users[-1].split(":")[0] not in ("0", "root"), "Dockerfile: final USER must be non-root")
    f.check(re.search(r'^ENTRYPOINT \["llmload"\]$', logical, re.M), 'Dockerfile: ENTRYPOINT ["llmload"]')
    f.check(re.search(r'^CMD \["--help"\]$', logical, re.M), 'Dockerfile: CMD ["--help"]')
    exposed = set(" ".join(re.findall(r"^EXPOSE (.*)$", logical, re.M)).split())
    f.check({"5557", "9646", "8000"} <= exposed, f"Dockerfile: EXPOSE 5557 9646 8000 (has {sorted(exposed)})")
    # The build downloads nothing: no FetchContent / ExternalProject in any CMake file.
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in (".git", "node_modules") and not d.startswith("build")]
        for name in files:
            if name == "CMakeLists.txt" or name.endswith(".cmake"):
                p = os.path.join(root, name)
                body = open(p, errors="replace").read()
                f.check(not re.search(r"FetchContent_|ExternalProject_Add", body),
                        f"{os.path.relpath(p, src)} downloads at build time")
    # The README's first command is setup.sh, which runs the same two scripts.
    setup = open(os.path.join(src, "scripts", "setup.sh")).read()
    f.check("scripts/install-deps.sh" in setup and "scripts/build.sh" in setup,
            "scripts/setup.sh (the README's command) must run install-deps.sh and build.sh")
    readme = open(os.path.join(src, "README.md")).read()
    f.check("scripts/setup.sh" in readme, "README must start from scripts/setup.sh")
    build_sh = open(os.path.join(src, "scripts", "build.sh")).read()
    f.check('"$@"' in build_sh, "scripts/build.sh must forward its arguments to CMake")
    ignore_path = os.path.join(src, ".dockerignore")
    ignore = open(ignore_path).read().split() if os.path.exists(ignore_path) else []
    f.check("build" in ignore and ".git" in ignore, ".dockerignore must leave out build and .git")
    return f.finish("dockerfile")


# ---------------------------------------------------------------------------------------------
# runtime-packages


def path_variants(path):
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.append(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.append("/usr" + p)
    return candidates


def dpkg_owners(paths):
    """{path: package} for each path (or one of its usrmerge/symlink variants) dpkg knows."""
    variants = {p: path_variants(p) for p in paths}
    r = run(["dpkg", "-S"] + sorted({v for vs in variants.values() for v in vs}))
    owner_of = {}
    for line in r.stdout.splitlines():
        pkgs, _, file = line.partition(": ")
        owner_of[file.strip()] = pkgs.split(",")[0].split(":")[0].strip()
    return {p: next((owner_of[v] for v in vs if v in owner_of), None) for p, vs in variants.items()}


def installed_packages():
    r = run(["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Provides}\t${Depends}\t${Pre-Depends}\n"])
    pkgs, provides = {}, {}
    for line in r.stdout.splitlines():
        name, status, prov, dep, pre = (line.split("\t") + [""] * 5)[:5]
        if "install ok installed" not in status:
            continue
        pkgs[name] = ", ".join(x for x in (dep, pre) if x)
        for p in prov.split(","):
            p = p.strip().split(" ")[0]
            if p:
                provides.setdefault(p, []).append(name)
    return pkgs, provides


def dependency_closure(roots):
    pkgs, provides = installed_packages()
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for clause in pkgs.get(name, "").split(","):
            for alt in clause.split("|"):
                dep = alt.strip().split(" ")[0].split(":")[0]
                if not dep:
                    continue
                targets = ([dep] if dep in pkgs else []) + provides.get(dep, [])
                if targets:
                    todo.extend(targets)
                    break
    return seen


def check_runtime_packages(opts):
    f = Failures()
    script = os.path.join(opts.source_dir, "scripts", "install-deps.sh")
    r = run(["bash", script, "--print-runtime-packages"])
    if not f.check(r.returncode == 0, f"install-deps.sh --print-runtime-packages failed: {r.stderr}"):
        return f.finish("runtime-packages")
    runtime = r.stdout.split()
    print(f"runtime packages: {' '.join(runtime)}")
    pkgs, _ = installed_packages()
    for p in runtime:
        f.check(p in pkgs, f"runtime package {p} is not installed here, so the list cannot be checked")
    closure = dependency_closure(runtime)
    ldd = run(["ldd", opts.binary])
    libs = re.findall(r"^\s*(\S+) => (/\S+)", ldd.stdout, re.M)
    f.check(len(libs) > 5, f"ldd {opts.binary} found too few libraries: {ldd.stdout}{ldd.stderr}")
    needed = set(re.findall(r"\(NEEDED\).*\[(.+)\]", run(["readelf", "-d", opts.binary]).stdout))
    owners = dpkg_owners([path for _, path in libs])
    for soname, path in libs:
        owner = owners[path]
        if not f.check(owner is not None, f"{soname} ({path}) belongs to no Debian package"):
            continue
        f.check(owner in closure,
                f"{soname} comes from {owner}, which neither RUNTIME_PACKAGES in scripts/install-deps.sh "
                f"nor their dependencies install: add {owner} there")
        if soname in needed and owner not in ("libc6", "libgcc-s1"):
            f.check(owner in runtime, f"llmload links {soname} directly: list its package {owner} in RUNTIME_PACKAGES")
    return f.finish("runtime-packages")


# ---------------------------------------------------------------------------------------------
# kustomize


def kubectl_minor(kubectl):
    r = run([kubectl, "version", "--client", "-o", "json"])
    try:
        return int(re.sub(r"\D.*", "", json.loads(r.stdout)["clientVersion"]["minor"]))
    except (ValueError, KeyError, json.JSONDecodeError):
        return 99


def legacy_copy(kdir, tmp):
    """kubectl <= 1.20 (Debian bookworm's kubernetes-client) embeds kustomize v2.0.3, which
    predates `resources:` directories, `patches:`, `replicas:` and `replacements:`. Copy
    deploy/k8s and translate those kustomizations to v2 syntax; replicas and replacements are
    dropped (the base files already agree; the check of --expect-agents still runs)."""
    root = os.path.join(tmp, "k8s")
    shutil.copytree(kdir, root)
    for d, _, files in os.walk(root):
        if "kustomization.yaml" not in files:
            continue
        p = os.path.join(d, "kustomization.yaml")
        k = yaml.safe_load(open(p))
        res = k.get("resources", [])
        k["resources"] = [r for r in res if not os.path.isdir(os.path.join(d, r))]
        bases = [r for r in res if os.path.isdir(os.path.join(d, r))]
        if bases:
            k["bases"] = bases
        if "patches" in k:
            k["patchesStrategicMerge"] = [x["path"] for x in k.pop("patches")]
        k.pop("replicas", None)
        k.pop("replacements", None)
        yaml.safe_dump(k, open(p, "w"))
    return root


def kustomize(kubectl, path, legacy_root=None):
    r = run([kubectl, "kustomize", path])
    if r.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {path} failed: {r.stderr}")
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def pod_spec(obj):
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
        return obj.get("spec", {}).get("template", {}).get("spec", {})
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if obj["kind"] == "Pod":
        return obj.get("spec", {})
    return None


def pod_labels(obj):
    if obj["kind"] == "Pod":
        return obj["metadata"].get("labels", {})
    return obj.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})


def containers(spec):
    return [(c, "container") for c in spec.get("containers", [])] + \
           [(c, "initContainer") for c in spec.get("initContainers", [])]


def resolve_env(container, configmaps, secrets):
    """{name: value} of the container's env, with ConfigMap/Secret references resolved."""
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = str(e["value"])
            continue
        vf = e.get("valueFrom", {})
        if "configMapKeyRef" in vf:
            ref = vf["configMapKeyRef"]
            data = configmaps.get(ref["name"], {})
            if ref["key"] in data:
                env[e["name"]] = str(data[ref["key"]])
        elif "secretKeyRef" in vf:
            ref = vf["secretKeyRef"]
            data = secrets.get(ref["name"], {})
            if ref["key"] in data:
                env[e["name"]] = data[ref["key"]]
    return env


def expand(text, env):
    return re.sub(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), text)


def flag_value(argv, flag):
    for i, a in enumerate(argv):
        if a == flag and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def secret_data(obj):
    data = {k: base64.b64decode(v).decode() for k, v in (obj.get("data") or {}).items()}
    data.update(obj.get("stringData") or {})
    return data


def check_objects(f, binary, objs, where):
    names = {}
    for o in objs:
        ok = all(o.get(k) for k in ("apiVersion", "kind")) and o.get("metadata", {}).get("name")
        f.check(ok, f"{where}: object without apiVersion/kind/metadata.name: {str(o)[:200]}")
        if not ok:
            continue
        ns = o["metadata"].get("namespace")
        if o["kind"] not in CLUSTER_SCOPED:
            f.check(bool(ns), f"{where}: {o['kind']}/{o['metadata']['name']} has no namespace")
        key = (o["kind"], ns, o["metadata"]["name"])
        f.check(key not in names, f"{where}: duplicate {key}")
        names[key] = o
        f.check(o["metadata"].get("labels", {}).get("app.kubernetes.io/name"),
                f"{where}: {o['kind']}/{o['metadata']['name']} lacks label app.kubernetes.io/name")
    namespaces = {o["metadata"]["name"] for o in objs if o.get("kind") == "Namespace"}
    for o in objs:
        ns = o["metadata"].get("namespace")
        if ns and namespaces:
            f.check(ns in namespaces, f"{where}: {o['kind']}/{o['metadata']['name']} in namespace {ns}, "
                                      f"which is not among the rendered Namespaces {namespaces}")
    configmaps = {o["metadata"]["name"]: o.get("data", {}) for o in objs if o["kind"] == "ConfigMap"}
    secrets = {o["metadata"]["name"]: secret_data(o) for o in objs if o["kind"] == "Secret"}
    workloads = [o for o in objs if pod_spec(o) is not None]
    services = [o for o in objs if o["kind"] == "Service"]

    for w in workloads:
        wname = f"{where}: {w['kind']}/{w['metadata']['name']}"
        spec, labels = pod_spec(w), pod_labels(w)
        sel = w.get("spec", {}).get("selector", {}).get("matchLabels")
        if w["kind"] == "Deployment":
            f.check(sel, f"{wname}: no selector.matchLabels")
        if sel:
            f.check(all(labels.get(k) == v for k, v in sel.items()),
                    f"{wname}: selector {sel} does not match the pod labels {labels}")
        f.check(spec.get("containers"), f"{wname}: no containers")
        volumes = {v["name"] for v in spec.get("volumes", [])}
        for c, role in containers(spec):
            cname = f"{wname} {role} {c.get('name')}"
            f.check(c.get("name") and c.get("image"), f"{cname}: name and image required")
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            for vm in c.get("volumeMounts", []):
                f.check(vm["name"] in volumes, f"{cname}: mounts volume {vm['name']}, which the pod lacks")
            declared = set()
            for e in c.get("env", []):
                declared.add(e["name"])
                vf = e.get("valueFrom", {})
                for kind, store, pool in (("configMapKeyRef", "ConfigMap", configmaps),
                                          ("secretKeyRef", "Secret", secrets)):
                    if kind not in vf:
                        continue
                    ref = vf[kind]
                    if ref["name"] in pool:
                        f.check(ref["key"] in pool[ref["name"]],
                                f"{cname}: env {e['name']} wants key {ref['key']} of {store} {ref['name']}, "
                                f"which has {sorted(pool[ref['name']])}")
                    else:
                        f.check(ref.get("optional") is True,
                                f"{cname}: env {e['name']} needs {store} {ref['name']}, which is not rendered "
                                f"(mark it optional or add it)")
            for text in (c.get("command") or []) + (c.get("args") or []):
                for var in re.findall(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)", text):
                    f.check(var in declared, f"{cname}: $({var}) is used but not in env (Kubernetes would "
                                             f"pass it literally)")
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                p = c.get(probe)
                if not p:
                    continue
                for kind in ("httpGet", "tcpSocket", "grpc"):
                    if kind in p:
                        port = p[kind]["port"]
                        f.check(port in ports or port in ports.values(),
                                f"{cname}: {probe} uses port {port}, which the container does not declare")
            ann = (w.get("spec", {}).get("template", {}).get("metadata", {}).get("annotations") or {})
            if ann.get("prometheus.io/scrape") == "true" and role == "container":
                f.check(int(ann.get("prometheus.io/port", 0)) in ports.values(),
                        f"{wname}: prometheus.io/port {ann.get('prometheus.io/port')} is not a declared port")
            if LLMLOAD_IMAGE.search(c.get("image", "")):
                argv = llmload_argv(c)
                if argv is not None:
                    check_llmload_argv(f, binary, argv, cname)

    def pods_selected(svc):
        sel = svc.get("spec", {}).get("selector") or {}
        ns = svc["metadata"].get("namespace")
        return [w for w in workloads if w["metadata"].get("namespace") == ns and sel and
                all(pod_labels(w).get(k) == v for k, v in sel.items())]

    for s in services:
        sname = f"{where}: Service/{s['metadata']['name']}"
        selected = pods_selected(s)
        if not f.check(selected, f"{sname}: selects no rendered pod"):
            continue
        for port in s["spec"].get("ports", []):
            target = port.get("targetPort", port["port"])
            found = False
            for w in selected:
                for c in pod_spec(w).get("containers", []):
                    for p in c.get("ports", []):
                        if target in (p.get("name"), p["containerPort"]):
                            found = True
            f.check(found, f"{sname}: port {port.get('name')} targets {target}, which no selected container declares")

    # llmload wiring: agents point at the master Service; --expect-agents == agent replicas.
    def component(o):
        return pod_labels(o).get("app.kubernetes.io/component")

    masters = [w for w in workloads if component(w) == "master"]
    agents = [w for w in workloads if component(w) == "agent"]
    if f.check(len(masters) == 1 and len(agents) == 1, f"{where}: expect one master and one agent workload"):
        master, agent = masters[0], agents[0]
        mc = pod_spec(master)["containers"][0]
        ac = pod_spec(agent)["containers"][0]
        menv = resolve_env(mc, configmaps, secrets)
        margv = [expand(a, menv) for a in llmload_argv(mc) or []]
        # llmload (CLI11) reads `--flag=` with an empty value as "take the next argument";
        # the master's wrapper drops such flags, a bare llmload container would not.
        empty = [a for a in margv if re.match(r"^--[\w-]+=$", a)]
        f.check(not empty or "--*=) ;;" in " ".join(mc.get("command") or []),
                f"{where}: master flags {empty} have empty values and nothing drops them")
        aargv = llmload_argv(ac) or []
        f.check(margv[:1] == ["master"] and aargv[:1] == ["agent"], f"{where}: master/agent commands")
        bind = flag_value(margv, "--bind") or "0.0.0.0:5557"
        bind_port = int(bind.rsplit(":", 1)[1])
        f.check(bind_port in [p["containerPort"] for p in mc.get("ports", [])],
                f"{where}: master --bind port {bind_port} is not a declared container port")
        target = flag_value(aargv, "--master") or ""
        host, _, port = target.rpartition(":")
        svc = [s for s in services if s["metadata"]["name"] == host.split(".")[0]]
        if f.check(svc, f"{where}: agent --master={target}: no Service named {host}"):
            s = svc[0]
            f.check(master in pods_selected(s), f"{where}: Service {host} does not select the master pod")
            match = [p for p in s["spec"]["ports"] if str(p["port"]) == port]
            if f.check(match, f"{where}: Service {host} has no port {port}"):
                t = match[0].get("targetPort", match[0]["port"])
                cport = {p.get("name"): p["containerPort"] for p in mc.get("ports", [])}.get(t, t)
                f.check(cport == bind_port, f"{where}: Service {host}:{port} reaches {cport}, master binds {bind_port}")
        replicas = agent["spec"].get("replicas", 1)
        expect = flag_value(margv, "--expect-agents") or "1"
        f.check(expect == str(replicas), f"{where}: master --expect-agents={expect} but the agent Deployment has "
                                         f"{replicas} replicas (keep them equal)")
        f.check(master["kind"] != "Job" or (master["spec"].get("backoffLimit") == 0 and
                                            pod_spec(master).get("restartPolicy") == "Never"),
                f"{where}: the master Job must not retry (backoffLimit 0, restartPolicy Never)")
        json_out = flag_value(margv, "--json-out") or ""
        mounts = [m["mountPath"] for m in mc.get("volumeMounts", [])]
        f.check(any(json_out.startswith(m.rstrip("/") + "/") for m in mounts),
                f"{where}: master --json-out={json_out} is not on a mounted volume {mounts}")
        res = ac.get("resources", {})
        cpu_req, cpu_lim = str(res.get("requests", {}).get("cpu")), str(res.get("limits", {}).get("cpu"))
        f.check(cpu_req == cpu_lim and cpu_req.isdigit(),
                f"{where}: agent CPU requests ({cpu_req}) must equal limits ({cpu_lim}) in whole cores")
        f.check(res.get("requests", {}).get("memory") == res.get("limits", {}).get("memory"),
                f"{where}: agent memory requests must equal limits (Guaranteed QoS)")
        f.check(flag_value(aargv, "--threads") == cpu_req,
                f"{where}: agent --threads={flag_value(aargv, '--threads')} must equal its CPU ({cpu_req})")
        aff = pod_spec(agent).get("affinity", {}).get("podAntiAffinity", {})
        f.check(aff, f"{where}: agents need pod anti-affinity to spread over nodes")


def check_kustomize(opts):
    f = Failures()
    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("kubectl not found (scripts/install-deps.sh --with-test-tools installs kubernetes-client)")
        return 1
    kdir = os.path.join(opts.source_dir, "deploy", "k8s")
    overlays = os.path.join(kdir, "overlays")
    targets = [""] + [os.path.join("overlays", d) for d in sorted(os.listdir(overlays))] if os.path.isdir(overlays) else [""]
    with tempfile.TemporaryDirectory() as tmp:
        root = kdir
        if kubectl_minor(kubectl) <= 20:
            print("kubectl <= 1.20 (kustomize v2.0.3): rendering a copy translated to kustomize v2 syntax")
            root = legacy_copy(kdir, tmp)
        for t in targets:
            where = "deploy/k8s" + (f"/{t}" if t else "")
            try:
                objs = kustomize(kubectl, os.path.join(root, t))
            except RuntimeError as e:
                f.check(False, str(e))
                continue
            print(f"{where}: {len(objs)} objects: " + ", ".join(f"{o['kind']}/{o['metadata']['name']}" for o in objs))
            check_objects(f, opts.binary, objs, where)
        # The replacement keeps --expect-agents equal to the replicas when only replicas change.
        if root == kdir:
            scaled = os.path.join(tmp, "scaled")
            os.makedirs(scaled)
            k = yaml.safe_load(open(os.path.join(kdir, "kustomization.yaml")))
            k["resources"] = [os.path.relpath(os.path.join(kdir, r), scaled) for r in k["resources"]]
            k["replicas"] = [{"name": "llmload-agent", "count": 7}]
            yaml.safe_dump(k, open(os.path.join(scaled, "kustomization.yaml"), "w"))
            objs = kustomize(kubectl, scaled)
            check_objects(f, opts.binary, objs, "deploy/k8s with replicas 7")
            cm = [o for o in objs if o["kind"] == "ConfigMap"][0]
            f.check(cm["data"]["LLMLOAD_EXPECT_AGENTS"] == "7", "replicas 7 did not reach LLMLOAD_EXPECT_AGENTS")
    return f.finish("kustomize")


# ---------------------------------------------------------------------------------------------
# local-run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_local_run(opts):
    f = Failures()
    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("kubectl not found")
        return 1
    kdir = os.path.join(opts.source_dir, "deploy", "k8s")
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        root = legacy_copy(kdir, tmp) if kubectl_minor(kubectl) <= 20 else kdir
        objs = kustomize(kubectl, os.path.join(root, "overlays", "dry-run"))
        configmaps = {o["metadata"]["name"]: dict(o.get("data", {})) for o in objs if o["kind"] == "ConfigMap"}
        token = base64.b16encode(os.urandom(12)).decode()
        secrets = {"llmload-secrets": {"token": token}}  # what the optional Secret would hold
        scenario = configmaps["llmload-scenario"]
        scenario["LLMLOAD_RUN_TIME"] = "4s"
        scenario["LLMLOAD_REPORT_LINGER_SECONDS"] = "0"
        # The base's default: no model, so the master asks GET /v1/models (the wrapper must drop
        # the empty --model=).
        scenario["LLMLOAD_MODEL"] = ""
        by_component = {pod_labels(o).get("app.kubernetes.io/component"): o for o in objs if pod_spec(o)}
        services = {o["metadata"]["name"]: o for o in objs if o["kind"] == "Service"}
        reports = os.path.join(tmp, "reports")
        os.makedirs(reports)
        # Every Service and bind address becomes a free loopback port.
        ports = {}
        for name, s in services.items():
            for p in s["spec"]["ports"]:
                ports[f"{name}:{p['port']}"] = free_port()
        mock_port = ports["llmload-mock:8000"]
        master_port = ports["llmload-master:5557"]

        def localize(text):
            for addr, port in ports.items():
                text = text.replace(f"http://{addr}", f"http://127.0.0.1:{port}").replace(addr, f"127.0.0.1:{port}")
            text = text.replace("--bind=0.0.0.0:5557", f"--bind=127.0.0.1:{master_port}")
            # Each agent's own /metrics on a free loopback port (several agents share this host).
            text = re.sub(r"--metrics-bind=0\.0\.0\.0:\d+", "--metrics-bind=127.0.0.1:0", text)
            text = text.replace("--host=0.0.0.0", "--host=127.0.0.1").replace("--port=8000", f"--port={mock_port}")
            return re.sub(r"(?<![\w.])/reports\b", reports, text)

        def start(component, name):
            c = pod_spec(by_component[component])["containers"][0]
            env = resolve_env(c, configmaps, secrets)
            argv = [localize(expand(a, env)) for a in c.get("args", [])]
            command = [localize(x) for x in (c.get("command") or [])]
            penv = dict(os.environ, PATH=os.path.dirname(os.path.abspath(opts.binary)) + ":" + os.environ["PATH"])
            penv.pop("OPENAI_API_KEY", None)
            penv.update({k: localize(v) for k, v in env.items()})
            cmd = command + argv if command else [opts.binary] + argv
            print(f"start {name}: {' '.join(cmd) if not command else '/bin/sh -c <wrapper> ' + ' '.join(argv)}")
            out = open(os.path.join(tmp, f"{name}.log"), "w")
            p = subprocess.Popen(cmd, env=penv, stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
            procs.append((name, p))
            return p, c

        def log(name):
            return open(os.path.join(tmp, f"{name}.log")).read()

        try:
            mock, _ = start("mock", "mock")
            deadline = time.time() + 20
            health = None
            while time.time() < deadline and health is None:
                try:
                    health = urllib.request.urlopen(f"http://127.0.0.1:{mock_port}/health", timeout=2).status
                except OSError:
                    time.sleep(0.2)
            f.check(health == 200, f"mock readiness probe GET /health: {health}; log: {log('mock')}")
            agent_obj = by_component["agent"]
            agents = [start("agent", f"agent{i}")[0] for i in range(agent_obj["spec"].get("replicas", 1))]
            probe = pod_spec(agent_obj)["containers"][0]["readinessProbe"]["exec"]["command"]
            probe = [x.replace(":15B5 ", f":{master_port:04X} ") for x in probe]
            time.sleep(1)
            f.check(run(probe).returncode != 0, "agent readiness probe passes before any master listens")
            # The liveness probe's GET answers on every agent, with no master yet.
            live = pod_spec(agent_obj)["containers"][0].get("livenessProbe", {}).get("httpGet")
            if f.check(live is not None, "agent has no httpGet liveness probe"):
                for i in range(len(agents)):
                    url = None
                    deadline = time.time() + 20
                    while url is None and time.time() < deadline:
                        m = re.search(r"llmload agent metrics on (http://[0-9.]+:\d+)/", log(f"agent{i}"))
                        url = m.group(1) + live["path"] if m else None
                        if url is None:
                            time.sleep(0.2)
                    status = None
                    if url:
                        try:
                            status = urllib.request.urlopen(url, timeout=5).status
                        except OSError as e:
                            status = str(e)
                    f.check(status == 200, f"agent{i} liveness GET {url}: {status}; log: {log(f'agent{i}')[-500:]}")
            master, _ = start("master", "master")
            ready = False
            deadline = time.time() + 20
            while time.time() < deadline and master.poll() is None and not ready:
                ready = run(probe).returncode == 0
                time.sleep(0.3)
            f.check(ready, "agent readiness probe never saw the connection to the master")
            try:
                code = master.wait(timeout=120)
            except subprocess.TimeoutExpired:
                code = None
            mlog = log("master")
            print(mlog[-3000:])
            f.check(code == 0, f"master exited with {code}")
            f.check("llmload exited with code 0" in mlog, "the master wrapper did not report llmload's exit")
            report = os.path.join(reports, "report.json")
            if f.check(os.path.exists(report), "no /reports/report.json"):
                summary = json.load(open(report))
                f.check(isinstance(summary, dict) and summary, "report.json is empty")
                run_info = summary.get("run", {})
                f.check(run_info.get("model") == "mock-llm",
                        f"report.json: model {run_info.get('model')!r}, not the discovered mock-llm")
                f.check(run_info.get("users") == int(scenario["LLMLOAD_USERS"]),
                        f"report.json: {run_info.get('users')} users, not {scenario['LLMLOAD_USERS']}")
                f.check(run_info.get("agents") == agent_obj["spec"].get("replicas", 1),
                        f"report.json: {run_info.get('agents')} agents, not the Deployment's replicas")
                print("report.json keys: " + ", ".join(list(summary)[:12]))
            f.check(os.path.exists(os.path.join(reports, "stats.csv")), "no /reports/stats.csv")
            for i, a in enumerate(agents):
                try:
                    rc = a.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    rc = None
                f.check(rc == 0, f"agent{i} did not exit 0 after the run (got {rc}): {log(f'agent{i}')[-1000:]}")
            f.check(mock.poll() is None, "the mock died during the run")
        finally:
            for name, p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    try:
                        p.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()
    return f.finish("local-run")


# ---------------------------------------------------------------------------------------------
# chart


def cmake_version(src):
    m = re.search(r"project\(\s*llmload\s+VERSION\s+([0-9.]+)", open(os.path.join(src, "CMakeLists.txt")).read())
    return m.group(1) if m else None


def check_chart(opts):
    f = Failures()
    chart = os.path.join(opts.source_dir, "helm", "llmload")
    meta = yaml.safe_load(open(os.path.join(chart, "Chart.yaml")))
    f.check(meta.get("apiVersion") == "v2", "Chart.yaml: apiVersion v2")
    f.check(meta.get("name") == "llmload", "Chart.yaml: name llmload")
    f.check(re.match(r"^\d+\.\d+\.\d+$", str(meta.get("version", ""))), "Chart.yaml: semver version")
    f.check(str(meta.get("appVersion")) == cmake_version(opts.source_dir),
            f"Chart.yaml appVersion {meta.get('appVersion')} != project version {cmake_version(opts.source_dir)}")
    values = yaml.safe_load(open(os.path.join(chart, "values.yaml")))
    tdir = os.path.join(chart, "templates")
    used = set()
    for name in sorted(os.listdir(tdir)):
        text = open(os.path.join(tdir, name)).read()
        for m in re.finditer(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", text):
            used.add((name, m.group(1)[1:]))
        f.check(not re.search(r"index\s+\.Values", text), f"{name}: use .Values.a.b paths (checked), not index")
    for name, path in sorted(used):
        node, ok = values, True
        for part in path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                ok = False
                break
        f.check(ok, f"templates/{name}: .Values.{path} is not in values.yaml")
    print(f"{len(used)} .Values references checked")
    # Every llmload flag the chart writes exists.
    for name in sorted(os.listdir(tdir)):
        text = open(os.path.join(tdir, name)).read()
        for m in re.finditer(r"^\s*- (master|agent|mock)\s*$((?:\n\s*(?:- .*|\{\{.*\}\}))*)", text, re.M):
            command = m.group(1)
            for flag in re.findall(r"^\s*- \"?(--[a-z0-9-]+)", m.group(2), re.M):
                f.check(flag_known(opts.binary, command, flag), f"templates/{name}: llmload {command} has no {flag}")
    # The dashboard ConfigMap reads a copy inside the chart (.Files.Get cannot leave it).
    original = os.path.join(opts.source_dir, "deploy", "grafana", "llmload-dashboard.json")
    copy = os.path.join(chart, "dashboards", "llmload-dashboard.json")
    if os.path.exists(original):
        f.check(os.path.exists(copy) and open(copy).read() == open(original).read(),
                "helm/llmload/dashboards/llmload-dashboard.json must be a copy of deploy/grafana/llmload-dashboard.json "
                "(cp deploy/grafana/llmload-dashboard.json helm/llmload/dashboards/)")
    else:
        print("deploy/grafana/llmload-dashboard.json does not exist yet: the dashboard ConfigMap renders nothing")
    for required in ("Chart.yaml", "values.yaml", "README.md", "templates/_helpers.tpl", "templates/NOTES.txt"):
        f.check(os.path.exists(os.path.join(chart, required)), f"helm/llmload/{required} missing")
    readme = open(os.path.join(chart, "README.md")).read()

    def leaves(node, prefix=""):
        if isinstance(node, dict) and node:
            for k, v in node.items():
                yield from leaves(v, f"{prefix}.{k}" if prefix else k)
        else:
            yield prefix

    for leaf in leaves(values):
        parts = leaf.split(".")
        prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
        f.check(any(f"| `{p}` |" in readme for p in prefixes),
                f"helm/llmload/README.md's values table does not document `{leaf}` (or a parent of it)")
    return f.finish("chart")


# ---------------------------------------------------------------------------------------------
# yamllint, helm


def check_yamllint(opts):
    if not shutil.which("yamllint"):
        print("yamllint not found (scripts/install-deps.sh --with-test-tools installs it)")
        return 1
    src = opts.source_dir
    files = []
    for root, _, names in os.walk(os.path.join(src, "deploy")):
        files += [os.path.join(root, n) for n in names if n.endswith((".yaml", ".yml"))]
    files += [os.path.join(src, "helm", "llmload", n) for n in ("Chart.yaml", "values.yaml")]
    files += [os.path.join(src, ".yamllint")]
    r = run(["yamllint", "--strict", "-c", os.path.join(src, ".yamllint")] + sorted(files))
    print(r.stdout + r.stderr)
    print(f"yamllint: {len(files)} files, {'0 failed' if r.returncode == 0 else 'failed'}")
    return 0 if r.returncode == 0 else 1


def check_helm(opts):
    helm = shutil.which("helm")
    if not helm:
        print("SKIP: helm is not on PATH (Debian has no package for it); helm lint/template not run. "
              "The chart's own checks (check_deploy.py chart) still run.")
        return SKIP
    f = Failures()
    chart = os.path.join(opts.source_dir, "helm", "llmload")
    r = run([helm, "lint", "--strict", chart])
    f.check(r.returncode == 0, f"helm lint: {r.stdout}{r.stderr}")
    variants = {
        "url": ["--set", "scenario.url=http://localhost:8000"],
        "existing secrets, requests, extra args": [
            "--set", "scenario.url=https://localhost/v1", "--set", "apiKey.existingSecret=keys",
            "--set", "token.existingSecret=keys", "--set", "scenario.requests=1000",
            "--set", "scenario.extraArgs={--think-time=1s,--slo=ttft=500ms}"],
        "mock+monitoring+secrets": ["--set", "mock.enabled=true", "--set", "serviceMonitor.enabled=true",
                                    "--set", "grafanaDashboard.enabled=true", "--set", "apiKey.value=sk-test",
                                    "--set", "token.value=t0ken", "--set", "agents.replicas=3"],
    }
    for label, extra in variants.items():
        r = run([helm, "template", "rel", chart, "--namespace", "llmload"] + extra)
        if not f.check(r.returncode == 0, f"helm template ({label}): {r.stderr}"):
            continue
        objs = [d for d in yaml.safe_load_all(r.stdout) if d]
        if "apiKey.existingSecret=keys" in extra:  # the user's own Secret, made beforehand
            objs.append({"apiVersion": "v1", "kind": "Secret", "metadata": {
                "name": "keys", "labels": {"app.kubernetes.io/name": "user"}},
                "stringData": {"api-key": "k", "token": "t"}})
        for o in objs:
            o["metadata"].setdefault("namespace", "llmload")
        print(f"helm template ({label}): " + ", ".join(f"{o['kind']}/{o['metadata']['name']}" for o in objs))
        check_objects(f, opts.binary, [o for o in objs if o["kind"] != "ServiceMonitor"], f"helm ({label})")
    return f.finish("helm")


CHECKS = {
    "dockerfile": check_dockerfile,
    "runtime-packages": check_runtime_packages,
    "kustomize": check_kustomize,
    "local-run": check_local_run,
    "chart": check_chart,
    "yamllint": check_yamllint,
    "helm": check_helm,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("check", choices=sorted(CHECKS) + ["all"])
    ap.add_argument("--source-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--binary", default=None)
    opts = ap.parse_args()
    opts.source_dir = os.path.abspath(opts.source_dir)
    opts.binary = os.path.abspath(opts.binary or os.path.join(opts.source_dir, "build", "llmload"))
    if opts.check == "all":
        codes = {name: fn(opts) for name, fn in CHECKS.items()}
        print(codes)
        return 1 if any(c not in (0, SKIP) for c in codes.values()) else 0
    return CHECKS[opts.check](opts)


if __name__ == "__main__":
    sys.exit(main())
