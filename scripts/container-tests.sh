#!/usr/bin/env bash
# The container path of the tests (`.ci/run` runs it after `npm test`; run it yourself the same way
# from the repository root): the Redis fixture's own suite and the payer's crash suite with
# TEST_REDIS=container, so each suite's Redis is a Testcontainers container or the suite fails.
#
# 1. A Docker engine: the one `docker info` reaches (DOCKER_HOST or the default socket) if it
#    answers; else, as root, a dockerd of this run's own (installing docker.io with apt first if
#    there is no dockerd) on a private socket, with its data in a temporary folder and no iptables
#    rules (the fixture's containers use the host network), stopped and deleted at the end. Nothing
#    else on the machine sees it: suites run meanwhile by others still find no engine.
# 2. A Redis image: TEST_REDIS_IMAGE if set (pulled if the engine lacks it), else one built from
#    this machine's redis-server (scripts/build-test-redis-image.sh): registries may be out of reach.
# 3. The suites, through turbo (so its strict environment is tested too), with Testcontainers' ryuk
#    off (its image cannot be pulled either); each must say it got a container.
#
# When no engine can be had (not root, no kernel support, no package), one line says why; with
# CONTAINER_TESTS=optional that is a skip (exit 0), otherwise (the default, CI) a failure: a run
# that never reached a container must not pass as one that did.
set -euo pipefail
cd "$(dirname "$0")/.."

policy="${CONTAINER_TESTS:-required}"
case "$policy" in required | optional) ;; *) echo "CONTAINER_TESTS must be required or optional, not \"${policy}\"" >&2; exit 1 ;; esac

unavailable() {
  if [ "$policy" = optional ]; then
    echo "container tests skipped (CONTAINER_TESTS=optional): $1"
    exit 0
  fi
  echo "container tests cannot run: $1 (CONTAINER_TESTS=optional would skip them)" >&2
  exit 1
}

state=""
dockerd_pid=""
bridge_was_there=""
log=""
cleanup() {
  if [ -n "$log" ]; then rm -f "$log"; fi
  if [ -n "$dockerd_pid" ]; then
    docker ps -aq --filter label=org.testcontainers=true 2>/dev/null | xargs -r docker rm -f -v >/dev/null 2>&1 || true
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$dockerd_pid" 2>/dev/null || true
    # What the engine leaves behind: its default bridge, a network namespace mounted in its state.
    if [ -z "$bridge_was_there" ]; then ip link delete docker0 2>/dev/null || true; fi
    awk -v dir="$state/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null || true
  fi
  if [ -n "$state" ]; then rm -rf "$state"; fi
}
trap cleanup EXIT

engine_answers() { docker info >/dev/null 2>&1; }

start_engine() {
  [ "$(id -u)" = 0 ] || unavailable "no Docker engine answers and starting one needs root"
  if ! command -v dockerd >/dev/null; then
    echo "installing docker.io (apt) for dockerd"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends docker.io >/dev/null 2>&1; } ||
      unavailable "no dockerd, and apt-get install docker.io failed"
    # Where a service manager started the package's own engine, use it.
    if engine_answers; then return; fi
  fi
  if ip link show docker0 >/dev/null 2>&1; then bridge_was_there=yes; fi
  state="$(mktemp -d "${TMPDIR:-/tmp}/oceanpos-docker.XXXXXX")"
  export DOCKER_HOST="unix://${state}/docker.sock"
  dockerd --host "$DOCKER_HOST" --data-root "${state}/data" --exec-root "${state}/exec" --pidfile "${state}/dockerd.pid" \
    --iptables=false --ip6tables=false >"${state}/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 120); do
    if engine_answers; then return; fi
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then break; fi
    sleep 0.25
  done
  unavailable "dockerd did not start: $(grep -v '^\s*$' "${state}/dockerd.log" | tail -n 1)"
}

started=$SECONDS
engine_answers || start_engine
echo "Docker engine: $(docker version --format '{{.Server.Version}}') at ${DOCKER_HOST:-the default socket}"

image="${TEST_REDIS_IMAGE:-}"
if [ -z "$image" ]; then
  image="$(scripts/build-test-redis-image.sh)"
  echo "Redis image: ${image}, built from $(command -v redis-server)"
fi

export TEST_REDIS=container TEST_REDIS_IMAGE="$image" TESTCONTAINERS_RYUK_DISABLED=true
log="$(mktemp)"
run() {
  npx turbo run test --output-logs=full "$@" 2>&1 | tee -a "$log"
}
run --filter=@oceanpos/testing
run --filter=@oceanpos/payer -- test/crash.test.ts

# Proof, from the fixture's own line per suite, that every suite got a container.
if grep -E "test Redis for [^:]+: " "$log" | grep -v ": container at " >&2; then
  echo "container tests: a suite above did not get a container" >&2
  exit 1
fi
suites="$(grep -cE "test Redis for [^:]+: container at " "$log" || true)"
[ "$suites" -ge 2 ] || { echo "container tests: expected the fixture's and the crash suite's Redis lines, found ${suites}" >&2; exit 1; }
echo "container tests: ${suites} suites on a container Redis (${image}) in $((SECONDS - started)) s"
