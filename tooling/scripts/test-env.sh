#!/usr/bin/env bash
# tooling/scripts/test-env.sh — make sure the test environment has a Docker
# engine and the local base image our Docker-dependent tests use.
#
#   1. If a Docker engine answers /_ping, use it.
#   2. Otherwise (root + apt-get only): install docker.io and debootstrap if
#      missing, start dockerd detached (log: /var/log/crewship-dockerd.log) and
#      wait for it to answer.
#   3. Build crewship-base:bookworm with debootstrap (no registry is needed)
#      if it is missing, and tag it as debian:bookworm-slim if that is missing.
#
# Idempotent: when everything already exists it finishes in about a second.
#
# Failure policy: with CI=true any failed step exits non-zero and names the
# step; otherwise it prints a warning that Docker-dependent tests will be
# skipped and exits 0.
#
# Environment knobs (all optional):
#   DOCKER_HOST               unix:///path.sock is honoured (pinged, and a
#                             started dockerd listens there); tcp:// is only
#                             pinged, never started.
#   TEST_ENV_DEBIAN_MIRROR    mirror for debootstrap (default: the one apt uses)
#   TEST_ENV_DOCKERD_WAIT     seconds to wait for dockerd (default 60)
set -euo pipefail

readonly BASE_IMAGE="crewship-base:bookworm"
readonly ALIAS_IMAGE="debian:bookworm-slim"
readonly SUITE="bookworm"
readonly DOCKERD_LOG="/var/log/crewship-dockerd.log"
readonly DOCKERD_WAIT="${TEST_ENV_DOCKERD_WAIT:-60}"
readonly PACKAGES=(docker.io debootstrap)
readonly TEST_PACKAGES=(musl busybox-static tmux chromium)

log() { printf '[test-env] %s\n' "$*" >&2; }

# fail STEP MESSAGE... — apply the failure policy.
fail() {
  local step=$1
  shift
  if [[ "${CI:-}" == "true" ]]; then
    log "ERROR: step '${step}' failed: $*"
    log "ERROR: CI=true, so the test environment is not usable; aborting"
    exit 1
  fi
  log "WARNING: step '${step}' failed: $*"
  log "WARNING: Docker-dependent tests will be skipped"
  exit 0
}

have() { command -v "$1" >/dev/null 2>&1; }

# --- where the engine is -----------------------------------------------------
docker_host="${DOCKER_HOST:-}"
socket=""
tcp_url=""
case "${docker_host}" in
  "") socket="/var/run/docker.sock" ;;
  unix://*) socket="${docker_host#unix://}" ;;
  tcp://*) tcp_url="http://${docker_host#tcp://}" ;;
  *) tcp_url="" ;; # ssh:// etc.: only the docker client can tell
esac

# docker_answers — fallback probe through the docker client itself.
docker_answers() {
  if ! have docker || ! have timeout; then
    return 1
  fi
  timeout 3 docker version >/dev/null 2>&1
}

# ping_engine — true when the engine answers /_ping within ~2 s.
ping_engine() {
  local out=""
  if have curl; then
    if [[ -n "${socket}" ]]; then
      [[ -S "${socket}" ]] || return 1
      out=$(curl -s --max-time 2 --unix-socket "${socket}" http://d/_ping 2>/dev/null) || return 1
    elif [[ -n "${tcp_url}" ]]; then
      out=$(curl -s --max-time 2 "${tcp_url}/_ping" 2>/dev/null) || return 1
    else
      docker_answers
      return
    fi
    [[ "${out}" == "OK" ]]
  else
    docker_answers
  fi
}

# Serialise concurrent runs (e.g. parallel test workers) when we can.
lock_dir=/run/lock
[[ -d "${lock_dir}" && -w "${lock_dir}" ]] || lock_dir="${TMPDIR:-/tmp}"
lock_file="${lock_dir}/crewship-test-env.lock"
if have flock && touch "${lock_file}" 2>/dev/null; then
  exec 9>>"${lock_file}"
  # Bounded wait: never hang the test command on a stuck holder.
  flock -w 300 9 || log "could not take ${lock_file} within 300 s; going on without it"
fi

# --- step 1: engine ----------------------------------------------------------
if ping_engine; then
  : # engine answers: nothing to install or start
else
  if [[ -n "${tcp_url}" || (-n "${docker_host}" && -z "${socket}") ]]; then
    fail "docker engine" "DOCKER_HOST=${docker_host} does not answer; not starting a local engine for a remote host"
  fi
  if [[ "$(id -u)" -ne 0 ]] || ! have apt-get; then
    fail "docker engine" "no Docker engine answers at ${socket}, and installing one needs root and apt-get (root: $([[ "$(id -u)" -eq 0 ]] && echo yes || echo no), apt-get: $(have apt-get && echo yes || echo no))"
  fi

  # --- step 2a: packages ----------------------------------------------------
  missing=()
  for pkg in "${PACKAGES[@]}"; do
    if ! dpkg -s "${pkg}" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("${pkg}")
    fi
  done
  if ((${#missing[@]} > 0)); then
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$(mktemp "${TMPDIR:-/tmp}/crewship-apt.XXXXXX")
    # quiet_apt STEP ARGS... — run apt-get, show its output only if it fails.
    quiet_apt() {
      local step=$1
      shift
      if apt-get -qq "$@" >"${apt_log}" 2>&1; then
        return 0
      fi
      log "${step} failed; last lines of its output:"
      tail -n 15 "${apt_log}" >&2 || true
      return 1
    }
    need_update=0
    for pkg in "${missing[@]}"; do
      apt-cache show --no-all-versions "${pkg}" >/dev/null 2>&1 || need_update=1
    done
    if ((need_update)); then
      log "apt-get update"
      quiet_apt "apt-get update" update || { rm -f "${apt_log}"; fail "apt-get update" "apt-get update failed"; }
    fi
    log "installing ${missing[*]}"
    if ! quiet_apt "apt-get install" install -y --no-install-recommends "${missing[@]}"; then
      # A stale package list names versions the mirror no longer has: refresh once.
      log "refreshing package lists and retrying"
      if ! quiet_apt "apt-get update" update ||
        ! quiet_apt "apt-get install" install -y --no-install-recommends "${missing[@]}"; then
        rm -f "${apt_log}"
        fail "apt-get install" "apt-get install ${missing[*]} failed"
      fi
    fi
    rm -f "${apt_log}"
  fi
  have dockerd || fail "docker engine" "dockerd not found after installing docker.io"

  # --- step 2b: dockerd -----------------------------------------------------
  # A package's maintainer script may have started the service already.
  if ! ping_engine; then
    dockerd_pid=""
    if [[ -r /var/run/docker.pid ]]; then
      dockerd_pid=$(cat /var/run/docker.pid 2>/dev/null || true)
      if [[ -n "${dockerd_pid}" ]] && kill -0 "${dockerd_pid}" 2>/dev/null &&
        grep -q dockerd "/proc/${dockerd_pid}/comm" 2>/dev/null; then
        log "dockerd already running (pid ${dockerd_pid}); waiting for it"
      else
        dockerd_pid=""
      fi
    fi
    if [[ -z "${dockerd_pid}" ]]; then
      log "starting dockerd (log: ${DOCKERD_LOG})"
      dockerd_args=()
      if [[ "${socket}" != "/var/run/docker.sock" ]]; then
        dockerd_args+=(-H "unix://${socket}")
      fi
      mkdir -p "$(dirname "${DOCKERD_LOG}")"
      printf '\n==== %s test-env.sh starting dockerd %s\n' "$(date -u +%FT%TZ)" "${dockerd_args[*]:-}" >>"${DOCKERD_LOG}"
      # setsid + nohup: its own session, so it outlives this script and the
      # test runner's process group. 9>&-: it must not inherit (and so hold
      # forever) the lock taken above.
      setsid nohup dockerd ${dockerd_args[@]+"${dockerd_args[@]}"} >>"${DOCKERD_LOG}" 2>&1 </dev/null 9>&- &
      dockerd_pid=$!
    fi
    waited=0
    until ping_engine; do
      if ! kill -0 "${dockerd_pid}" 2>/dev/null; then
        log "last lines of ${DOCKERD_LOG}:"
        tail -n 15 "${DOCKERD_LOG}" >&2 || true
        fail "start dockerd" "dockerd exited before answering (see ${DOCKERD_LOG})"
      fi
      if ((waited >= DOCKERD_WAIT)); then
        log "last lines of ${DOCKERD_LOG}:"
        tail -n 15 "${DOCKERD_LOG}" >&2 || true
        fail "start dockerd" "dockerd did not answer /_ping within ${DOCKERD_WAIT} s (see ${DOCKERD_LOG})"
      fi
      sleep 1
      waited=$((waited + 1))
    done
    log "dockerd answers after ${waited} s"
  fi
fi

have docker || fail "docker client" "the docker command is not installed"
server_version=$(docker version --format '{{.Server.Version}}' 2>/dev/null) ||
  fail "docker client" "'docker version' cannot reach the engine"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# debian_mirror — the Debian archive apt uses for ${SUITE}.
debian_mirror() {
  local uri="" f
  if [[ -n "${TEST_ENV_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "${TEST_ENV_DEBIAN_MIRROR}"
    return
  fi
  # deb822 sources: a stanza whose Suites list ${SUITE} itself.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "${f}" ]] || continue
    uri=$(awk -v suite="${SUITE}" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" suite "( |$)") && uris != "" && !done) {
          split(uris, u, " "); print u[1]; done = 1
        }
        types = ""; suites = ""; uris = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "types:"  { $1 = ""; types = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
      END { flush() }
    ' "${f}")
    [[ -n "${uri}" ]] && break
  done
  # one-line sources: deb [options] URI SUITE COMPONENTS...
  if [[ -z "${uri}" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -r "${f}" ]] || continue
      uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "${f}" |
        awk -v suite="${SUITE}" '$1 == "deb" && $3 == suite { print $2; exit }')
      [[ -n "${uri}" ]] && break
    done
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

rootfs=""
cleanup() {
  if [[ -n "${rootfs}" && -d "${rootfs}" ]]; then
    # debootstrap mounts proc/sys inside the target; never rm through a mount.
    local m
    while read -r m; do
      umount -l "${m}" 2>/dev/null || true
    done < <(awk -v p="${rootfs}" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
    rm -rf --one-file-system "${rootfs}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- step 3: base image ------------------------------------------------------
if ! image_exists "${BASE_IMAGE}"; then
  have debootstrap || fail "build ${BASE_IMAGE}" "debootstrap is not installed (apt-get install debootstrap)"
  [[ "$(id -u)" -eq 0 ]] || fail "build ${BASE_IMAGE}" "debootstrap needs root"
  mirror=$(debian_mirror)
  log "building ${BASE_IMAGE} (debootstrap ${SUITE} from ${mirror}, ~30-60 s)"
  rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/crewship-rootfs.XXXXXX") ||
    fail "build ${BASE_IMAGE}" "cannot create a temporary directory"
  debootstrap_log="${rootfs}.log"
  if ! debootstrap --variant=minbase "${SUITE}" "${rootfs}" "${mirror}" >"${debootstrap_log}" 2>&1; then
    tail -n 15 "${debootstrap_log}" >&2 || true
    rm -f "${debootstrap_log}"
    fail "build ${BASE_IMAGE}" "debootstrap --variant=minbase ${SUITE} from ${mirror} failed"
  fi
  rm -f "${debootstrap_log}"
  # Smaller image: the package cache and lists are not needed at run time.
  rm -rf "${rootfs:?}"/var/cache/apt/archives/*.deb "${rootfs:?}"/var/lib/apt/lists/*_Packages* 2>/dev/null || true
  if ! tar --numeric-owner -C "${rootfs}" -c . |
    docker import --change 'CMD ["bash"]' - "${BASE_IMAGE}" >/dev/null; then
    fail "build ${BASE_IMAGE}" "docker import failed"
  fi
  cleanup
  rootfs=""
fi

if ! image_exists "${ALIAS_IMAGE}"; then
  docker tag "${BASE_IMAGE}" "${ALIAS_IMAGE}" ||
    fail "tag ${ALIAS_IMAGE}" "docker tag ${BASE_IMAGE} ${ALIAS_IMAGE} failed"
  log "tagged ${BASE_IMAGE} as ${ALIAS_IMAGE} (local stand-in: no registry is reachable)"
fi

# --- step 4: host packages the Docker tests use to build tiny test images -----
# (musl + busybox-static make a musl "Alpine-like" image for the image sanity check test;
# tmux is copied into a test image for the tmux exec wrapping tests; chromium runs the web
# console's Playwright tests: Debian's build, never a browser download)
test_missing=()
for pkg in "${TEST_PACKAGES[@]}"; do
  dpkg -s "${pkg}" 2>/dev/null | grep -q '^Status: install ok installed' || test_missing+=("${pkg}")
done
if ((${#test_missing[@]} > 0)); then
  if [[ "$(id -u)" -ne 0 ]] || ! have apt-get; then
    fail "test packages" "missing ${test_missing[*]}; install them with apt-get as root"
  fi
  log "installing ${test_missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -qq install -y "${test_missing[@]}" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get -qq install -y "${test_missing[@]}" >/dev/null 2>&1 ||
      fail "test packages" "apt-get install ${test_missing[*]} failed"
  fi
fi

log "ready: docker ${server_version}, image ${BASE_IMAGE}"
