#!/usr/bin/env bash
# Builds a Redis image for the container path of the tests from this machine's own redis-server,
# for a Docker engine that cannot pull `redis:7-alpine` (no registry, as in CI): the binary and the
# shared libraries it loads, nothing else (no shell, no package manager), imported as a root
# filesystem with `docker import`: no base image, no network, a second or two. Linux only (ldd).
#   scripts/build-test-redis-image.sh [tag]      tag: default oceanpos/test-redis:local
# Talks to the engine `docker` talks to (DOCKER_HOST). Prints the tag; use it as TEST_REDIS_IMAGE.
# The fixture starts it as `redis-server --appendonly yes … --protected-mode no` in /data.
set -euo pipefail

tag="${1:-oceanpos/test-redis:local}"
binary="$(command -v redis-server)" || { echo "no redis-server on PATH (Debian/Ubuntu: apt-get install redis-server)" >&2; exit 1; }
libraries="$(ldd "$binary")" || { echo "ldd cannot read ${binary}" >&2; exit 1; }
if grep -q "not found" <<<"$libraries"; then
  echo "${binary} misses libraries:" >&2
  grep "not found" <<<"$libraries" >&2
  exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$binary" "$root/usr/local/bin/redis-server"
# Each library at the path the loader resolved it to, as a file; executable, as the loader itself
# must be (the kernel runs it).
grep -o '/[^ ]*' <<<"$libraries" | sort -u | while read -r library; do
  install -D -m 0755 "$(readlink -f "$library")" "$root$library"
done
install -d -m 0755 "$root/data"
install -d -m 1777 "$root/tmp"

tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
  docker import \
    --change 'WORKDIR /data' \
    --change 'EXPOSE 6379' \
    --change 'CMD ["redis-server", "--protected-mode", "no"]' \
    --message "redis-server $("$binary" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') from $(hostname)" \
    - "$tag" >/dev/null
echo "$tag"
