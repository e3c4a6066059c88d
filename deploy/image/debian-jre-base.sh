#!/usr/bin/env bash
# Builds a Java 17 JRE base image from Debian's packages, as a docker-save tar, for a machine that
# reaches a Debian mirror but no container registry (Jib pulls eclipse-temurin:17-jre from Docker
# Hub otherwise). Needs root (or a working unshare) and mmdebstrap (apt-get install mmdebstrap).
#   deploy/image/debian-jre-base.sh [OUT_TAR]      (default: deploy/target/debian-jre17-base.tar)
#   mvn -B -Pimage package -DskipTests -Djib.base.image=tar://$PWD/deploy/target/debian-jre17-base.tar
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(realpath -m "${1:-$root/deploy/target/debian-jre17-base.tar}")"
suite="${DEBIAN_SUITE:-bookworm}"
command -v mmdebstrap >/dev/null 2>&1 || {
  echo "debian-jre-base: mmdebstrap is not installed: apt-get install mmdebstrap" >&2
  exit 1
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One layer: Debian's essential packages, the headless JRE and the CA certificates (Knot and the
# registry are reached over TLS).
mmdebstrap --quiet --variant=essential --include=openjdk-17-jre-headless,ca-certificates \
  "$suite" "$work/layer.tar"

# Wrap the layer as `docker save` would: manifest.json, the image config, the layer.
python3 - "$work" "$out" <<'PY'
import hashlib, json, os, sys, tarfile
work, out = sys.argv[1], sys.argv[2]
layer = os.path.join(work, "layer.tar")
h = hashlib.sha256()
with open(layer, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
config = {
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64", "LANG=C.UTF-8"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h.hexdigest()]},
}
with open(os.path.join(work, "config.json"), "w") as f:
    json.dump(config, f)
with open(os.path.join(work, "manifest.json"), "w") as f:
    json.dump([{"Config": "config.json", "RepoTags": ["debian-jre17:local"], "Layers": ["layer.tar"]}], f)
os.makedirs(os.path.dirname(out), exist_ok=True)
with tarfile.open(out, "w") as t:
    for name in ("manifest.json", "config.json", "layer.tar"):
        t.add(os.path.join(work, name), arcname=name)
PY
echo "debian-jre-base: wrote $out" >&2
