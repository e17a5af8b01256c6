#!/usr/bin/env bash
# The core crate is publishable: `cargo package -p nettx` builds it from its
# packaged files alone, and the packaged crate's own tests pass from the
# unpacked package (no file of the repository reachable). Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Only uncommitted changes of a developer's tree need --allow-dirty; CI's clone is clean.
allow=()
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then allow=(--allow-dirty); fi
cargo package -p nettx --locked "${allow[@]}"
version=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "target/package/nettx-$version.crate" -C "$work"
# Its own target directory, inside the temporary one: nothing of the
# workspace's build or sources is used.
(cd "$work/nettx-$version" && CARGO_TARGET_DIR="$work/target" cargo test --locked --quiet)
echo "the packaged nettx $version passes its own tests"
