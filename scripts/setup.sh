#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test ssvm, and nothing else:
# Debian packages (protoc for the node's networking, OpenSSL headers, Node.js for the
# end-to-end tests), the pinned Rust toolchain with the wasm32 target and rust-src,
# and the end-to-end tests' npm packages. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# --- Debian packages ----------------------------------------------------------
packages=(protobuf-compiler libssl-dev pkg-config build-essential nodejs npm)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# Node.js may come from elsewhere (nvm, a tarball): accept any node >= 18 with npm.
if command -v node >/dev/null && command -v npm >/dev/null \
    && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ]; then
    missing=("${missing[@]/nodejs}")
    missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { say "need root or sudo to install ${missing[*]}"; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Rust ---------------------------------------------------------------------
if ! command -v rustup >/dev/null; then
    say "rustup is required: see https://rustup.rs"
    exit 1
fi
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup "+$toolchain" target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || ! rustup "+$toolchain" component list --installed 2>/dev/null | grep -q '^rust-src'; then
    say "installing Rust $toolchain with wasm32-unknown-unknown and rust-src"
    rustup toolchain install "$toolchain" --profile minimal \
        --component rust-src,rustfmt,clippy --target wasm32-unknown-unknown
fi

# --- npm packages of the end-to-end tests ----------------------------------------
if [ -f tests/e2e/package-lock.json ] \
    && { [ ! -d tests/e2e/node_modules ] \
        || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; }; then
    say "installing the end-to-end tests' npm packages"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
fi
