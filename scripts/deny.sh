#!/usr/bin/env bash
# Supply-chain check: licences, banned crates and sources of every dependency
# (deny.toml states the policy). Installs the pinned cargo-deny with
# `cargo install --locked` when it is missing or another version.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_DENY_VERSION=0.20.2
if [ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny $CARGO_DENY_VERSION" ]; then
    echo "installing cargo-deny $CARGO_DENY_VERSION (cargo install --locked; a few minutes)"
    cargo install --quiet --locked cargo-deny --version "$CARGO_DENY_VERSION"
fi
cargo deny --version
cargo deny --locked check licenses bans sources
