#!/usr/bin/env bash
# Builds the container image (Containerfile, from the static dist/freshmock) with podman and
# proves it without `podman run`, which the kernel may refuse here: exports the image's file
# system into a folder and runs the image's own entrypoint, command, environment, user and
# HEALTHCHECK command there with `chroot` and nothing else (scripts/chroot-check.sh), with
# the repository's fixtures at /fixtures and a data dir at /data, as the README shows.
# Prints the image's size. Needs root, podman and curl (installs podman from Debian's
# packages when it is missing).
#
#   scripts/image-check.sh           # build dist/freshmock if needed, then the image
#   IMAGE=freshmock:dev scripts/image-check.sh   # the tag to build (localhost/freshmock:check)
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-localhost/freshmock:check}

[ "$(id -u)" -eq 0 ] || { echo "image-check.sh: needs root (podman, chroot)" >&2; exit 1; }
if ! command -v podman >/dev/null 2>&1; then
  echo "image-check: installing podman from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
fi

scripts/dist.sh --no-chroot
echo "image-check: podman build --format docker -t $IMAGE -f Containerfile ." >&2
podman build --quiet --format docker -t "$IMAGE" -f Containerfile . >/dev/null

ROOT=$(mktemp -d -t freshmock-image-root.XXXXXX)
CONTAINER=""
cleanup() {
  [ -n "$CONTAINER" ] && podman rm -f "$CONTAINER" >/dev/null 2>&1 || true
  rm -rf "$ROOT"
}
trap cleanup EXIT
# No health check timer for a container that never runs (podman would ask systemd).
CONTAINER=$(podman create --health-cmd none "$IMAGE")
podman export "$CONTAINER" | tar --numeric-owner -xpf - -C "$ROOT"
podman rm "$CONTAINER" >/dev/null 2>&1  # (it would still ask systemd about health check timers)
CONTAINER=""
chmod 755 "$ROOT"

inspect() { podman image inspect --format "$1" "$IMAGE"; }
size=$(inspect '{{.Size}}')
echo "image $IMAGE: $(awk -v b="$size" 'BEGIN { printf "%.1f MB (%d bytes)", b / 1048576, b }'), files: $(cd "$ROOT" && find . -mindepth 1 | sed 's|^\./|/|' | sort | tr '\n' ' ')"
user=$(inspect '{{.Config.User}}')
mapfile -t envs < <(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed '/^$/d')
mapfile -t command < <(inspect '{{range .Config.Entrypoint}}{{println .}}{{end}}{{range .Config.Cmd}}{{println .}}{{end}}' | sed '/^$/d')
# HEALTHCHECK CMD ["/freshmock", "health"] is stored as [CMD /freshmock health].
health=$(inspect '{{range $i, $w := .HealthCheck.Test}}{{if $i}}{{$w}} {{end}}{{end}}' | sed 's/ *$//')
[ -n "$health" ] || { echo "image-check.sh: the image has no HEALTHCHECK" >&2; exit 1; }
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] \
  || { echo "image-check.sh: the image runs as root ('$user')" >&2; exit 1; }
echo "image-check: user $user, env ${envs[*]}, command ${command[*]}, healthcheck '$health'"

mkdir -p "$ROOT/fixtures"
cp fixtures/*.json "$ROOT/fixtures/"
chmod -R a+rX "$ROOT/fixtures"
env_args=()
for e in "${envs[@]}" FRESHMOCK_FIXTURES=/fixtures FRESHMOCK_DATA_DIR=/data FRESHMOCK_CONTROL_TOKEN=image-check; do
  env_args+=(--env "$e")
done
scripts/chroot-check.sh --user "$user" "${env_args[@]}" --health "$health" "$ROOT" -- "${command[@]}"
[ -s "$ROOT/data/freshmock.sqlite" ] \
  || { echo "image-check.sh: nothing was kept in /data/freshmock.sqlite" >&2; exit 1; }
echo "image-check: state kept in /data/freshmock.sqlite as $user; PASS"
