#!/bin/bash
# The Kubernetes manifests (deploy/kubernetes, docs/OPERATIONS.md "Kubernetes"): both
# kustomizations render with `kubectl kustomize`; the rendered objects hold what the guide
# promises (one Deployment per task, Recreate, probes on /healthz and /readyz, scrape
# annotations, the password from a Secret, the task file from the generated ConfigMap, a
# non-root read-only container; the standby overlay: two replicas with --standby and the pod's
# name as the instance id, the rest kept); and binlake accepts the shipped task file.
# Usage: kubernetes_test.sh SOURCE_DIR BINLAKE
set -euo pipefail
SRC=$1
BINLAKE=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for k in base standby; do
  kubectl kustomize "$SRC/deploy/kubernetes/$k" >"$TMP/$k.yaml" 2>"$TMP/$k.err" ||
    { cat "$TMP/$k.err" >&2; echo "kubectl kustomize deploy/kubernetes/$k failed" >&2; exit 1; }
done

python3 - "$TMP" <<'PY'
import sys, yaml
tmp = sys.argv[1]
failures = []
def check(cond, what):
    if not cond:
        failures.append(what)

def load(name):
    docs = [d for d in yaml.safe_load_all(open(f"{tmp}/{name}.yaml")) if d]
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    maps = [d for d in docs if d["kind"] == "ConfigMap"]
    check(len(deployments) == 1, f"{name}: one Deployment")
    check(len(maps) == 1, f"{name}: one ConfigMap")
    return deployments[0], maps[0]

for name in ("base", "standby"):
    dep, cm = load(name)
    pod = dep["spec"]["template"]
    c = pod["spec"]["containers"][0]
    ann = pod["metadata"].get("annotations", {})
    check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == "9464",
          f"{name}: scrape annotations")
    check(c["livenessProbe"]["httpGet"]["path"] == "/healthz", f"{name}: liveness on /healthz")
    check(c["readinessProbe"]["httpGet"]["path"] == "/readyz", f"{name}: readiness on /readyz")
    check("--metrics-address=:9464" in c["args"], f"{name}: metrics address")
    env = {e["name"]: e for e in c.get("env", [])}
    pw = env.get("BINLAKE_SOURCE_PASSWORD", {}).get("valueFrom", {}).get("secretKeyRef", {})
    check(pw.get("name") == "binlake-orders-secrets", f"{name}: password from the Secret")
    check("task.yaml" in cm["data"], f"{name}: the task file in the ConfigMap")
    vols = {v["name"]: v for v in pod["spec"]["volumes"]}
    check(vols["task"]["configMap"]["name"] == cm["metadata"]["name"],
          f"{name}: the volume names the generated ConfigMap ({cm['metadata']['name']})")
    check(pod["spec"]["securityContext"].get("runAsNonRoot") is True, f"{name}: non-root")
    check(c["securityContext"].get("readOnlyRootFilesystem") is True, f"{name}: read-only root")
    if name == "base":
        check(dep["spec"]["replicas"] == 1, "base: one replica")
        check(dep["spec"]["strategy"]["type"] == "Recreate", "base: Recreate")
        check("--standby" not in c["args"], "base: no --standby")
    else:
        check(dep["spec"]["replicas"] == 2, "standby: two replicas")
        check("--standby" in c["args"], "standby: --standby")
        check("--instance-id=$(POD_NAME)" in c["args"], "standby: the pod name as instance id")
        check(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
              == "metadata.name", "standby: POD_NAME from the pod's name")
        check(pod["spec"]["affinity"]["podAntiAffinity"] is not None, "standby: anti-affinity")
if failures:
    print("kubernetes manifests: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)
print("kubernetes manifests: base and standby render and hold every promised field")
PY

# The shipped task file parses: binlake gets as far as connecting to the (closed) source port.
if out=$("$BINLAKE" full-load --config "$SRC/deploy/kubernetes/base/task.yaml" \
  --source mysql://repl@127.0.0.1:1 --target "file://$TMP/lake" --dry-run 2>&1); then
  echo "binlake full-load against a closed port succeeded?" >&2
  exit 1
fi
case "$out" in
  *task.yaml*) echo "binlake refused the task file: $out" >&2; exit 1 ;;
  *127.0.0.1:1*) echo "task file: accepted (binlake stopped at connecting: $out)" ;;
  *) echo "unexpected: $out" >&2; exit 1 ;;
esac
