# Shared by scripts/demo and scripts/test: install what is missing, build.
# Sourced, not run. Expects the working directory to be the repository root.

WHARF_DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler
  libcurl4-openssl-dev libssl-dev libspdlog-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev libpugixml-dev libyaml-cpp-dev libcli11-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl procps
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are missing (only those), non-interactively.
ensure_debian_packages() {
  local missing=()
  for p in "${WHARF_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing ${missing[*]}"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The local cloud (localcloud/, started by `wharf up --local` and the tests)
# runs moto's server in-process, so it needs moto with its server extras
# (flask, werkzeug) and boto3; the AWS CLI makes independent checks. They come
# with the machine; there is no PyPI here, so a missing one is reported, not
# installed.
ensure_python_tools() {
  local bad=0
  if ! command -v python3 >/dev/null; then
    echo "error: python3 is missing; Wharf's local cloud (localcloud/) runs on Python 3" >&2
    return 1
  fi
  for m in moto boto3 botocore flask werkzeug; do
    if ! python3 -c "import $m" 2>/dev/null; then
      echo "error: python3 module '$m' is missing; Wharf's local cloud (localcloud/) needs moto 5.2.1 with boto3 (pip install 'moto[server]==5.2.1' boto3 awscli)" >&2
      bad=1
    fi
  done
  if ! PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    python3 -m localcloud --help >/dev/null 2>&1; then
    echo "error: 'PYTHONPATH=$PWD python3 -m localcloud --help' fails; the local cloud cannot start (run that to see why)" >&2
    bad=1
  fi
  if ! command -v aws >/dev/null; then
    echo "error: the AWS CLI (aws) is missing; the tests use it to check AWS state independently (pip install awscli)" >&2
    bad=1
  fi
  return $bad
}

# build DIR [cmake args...]: configure (once) and build everything into DIR.
build_tree() {
  local dir=$1
  shift
  if [[ ! -f "$dir/build.ninja" ]]; then
    log "configuring $dir"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  fi
  log "building $dir"
  cmake --build "$dir" -j"$(nproc)"
}
