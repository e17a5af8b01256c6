#!/usr/bin/env bash
# Tests of the C ABI (libnettx, include/nettx.h, include/nettx.hpp), the way a
# C or C++ developer uses it:
#
#   1. `make install PREFIX=<temp>`: release build, lib + headers + nettx.pc +
#      CMake package, SONAME and symbolic links, the static library's link
#      flags from rustc (and the Makefile's fallback list when rustc fails);
#   2. the headers compile as C99, C11 and C++17, each included twice, with
#      -Wall -Wextra -Werror -pedantic;
#   3. tests/c/test_nettx.c (C99) and tests/cpp/test_nettx.cpp (C++17), built
#      with pkg-config against the installed shared library and against the
#      static one: the conformance suite through the JSON and the typed entry
#      points, byte for byte against tests/conformance/golden.jsonl, every
#      error kind and its status, NULL arguments, bounds, names, 8 threads;
#      and tests/c/test_hostile.c (C99): the hostile-input corpus
#      (tests/hostile/corpus.json) through nettx_evaluate_json and
#      nettx_evaluate_json_len with every other language's kind and field,
#      and the header's limit macros against the library;
#   4. the C and C++ tests under valgrind (shared library: no invalid
#      access, no definite leak) and under AddressSanitizer +
#      UndefinedBehaviorSanitizer with leak detection (static library; the
#      C/C++ side is instrumented, the Rust side is checked at the allocator:
#      bad frees, leaks); a gcc without the sanitizer runtimes is a failure
#      unless NETTX_SKIP_SANITIZERS=1;
#   5. examples/c and examples/cpp built with pkg-config and run; when cmake
#      is installed, examples/cpp also built with find_package(nettx) against
#      nettx::nettx and nettx::nettx_static, and the package's version check
#      tried (this version accepted, the next minor refused, with and without
#      a language enabled).
#
# Needs a Rust toolchain, gcc/g++, make, python3 and valgrind; pkg-config is
# installed with apt-get when missing (as root), else explicit -I/-L flags are
# used. Ends with "C ABI: N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
START=$SECONDS

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nettx-c-abi.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix"
DATA="$TMP/data"
BIN="$TMP/bin"
mkdir -p "$BIN"

PASSED=0
FAILED=0
step() { printf '\n--> %s\n' "$*"; }
note() { printf '    note: %s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

# check WHAT CMD...: one check, passed when CMD exits 0 (its output is shown
# only on failure).
check() {
    local what=$1
    shift
    if "$@" > "$TMP/check.log" 2>&1; then
        pass
    else
        fail "$what"
        tail -n 40 "$TMP/check.log" >&2
    fi
}

# suite WHAT CMD...: a test program that prints "RESULT passed=N failed=M";
# adds its counts, and one failure if it exits non-zero or prints no result.
suite() {
    local what=$1
    shift
    "$@" > "$TMP/suite.out" 2> "$TMP/suite.err"
    local rc=$?
    local result
    result=$(grep '^RESULT ' "$TMP/suite.out" | tail -n 1)
    if [[ $result =~ passed=([0-9]+)\ failed=([0-9]+) ]]; then
        PASSED=$((PASSED + BASH_REMATCH[1]))
        FAILED=$((FAILED + BASH_REMATCH[2]))
        printf '    %s: %s passed, %s failed\n' "$what" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    fi
    if [[ $rc -ne 0 || -z $result ]]; then
        fail "$what (exit status $rc)"
        head -n 60 "$TMP/suite.err" >&2
    fi
}

finish() {
    printf '\n(%ss)\nC ABI: %d passed, %d failed\n' "$((SECONDS - START))" "$PASSED" "$FAILED"
    [[ $FAILED -eq 0 ]]
    exit
}

CFLAGS_STRICT=(-std=c99 -Wall -Wextra -Werror -pedantic)
CXXFLAGS_STRICT=(-std=c++17 -Wall -Wextra -Werror -pedantic)

step "make install PREFIX=<temp> (release build of crates/nettx-ffi)"
if make --no-print-directory install PREFIX="$PREFIX" > "$TMP/install.log" 2>&1; then
    pass
else
    fail "make install"
    tail -n 40 "$TMP/install.log" >&2
    finish
fi
VERSION=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR=${VERSION%%.*}
MINOR=${VERSION#*.}
MINOR=${MINOR%%.*}
if [[ $MAJOR == 0 ]]; then SOVERSION="0.$MINOR"; else SOVERSION=$MAJOR; fi
for f in "lib/libnettx.so.$VERSION" "lib/libnettx.a" include/nettx.h include/nettx.hpp \
    lib/pkgconfig/nettx.pc lib/cmake/nettx/nettxConfig.cmake lib/cmake/nettx/nettxConfigVersion.cmake; do
    check "installed $f" test -f "$PREFIX/$f"
done
check "lib/libnettx.so.$SOVERSION -> libnettx.so.$VERSION" test "$(readlink "$PREFIX/lib/libnettx.so.$SOVERSION")" = "libnettx.so.$VERSION"
check "lib/libnettx.so -> libnettx.so.$SOVERSION" test "$(readlink "$PREFIX/lib/libnettx.so")" = "libnettx.so.$SOVERSION"
if command -v readelf > /dev/null; then
    check "SONAME libnettx.so.$SOVERSION" grep -q "Library soname: \[libnettx.so.$SOVERSION\]" \
        <(readelf -d "$PREFIX/lib/libnettx.so.$VERSION")
fi
check "installed headers are the repository's" cmp include/nettx.h "$PREFIX/include/nettx.h"
# What linking libnettx.a also needs (nettx.pc's Libs.private, the CMake
# static target's link libraries) is what rustc says, or, when asking rustc
# fails, the Makefile's fallback list.
NATIVE_LIBS=$(cargo rustc --release --locked -p nettx-ffi --crate-type staticlib -- --print native-static-libs 2>&1 |
    sed -n 's/^note: native-static-libs: //p' | tail -n 1)
check "rustc --print native-static-libs gives a list" test -n "$NATIVE_LIBS"
check "nettx.pc: Libs.private is rustc's native-static-libs" \
    test "$(sed -n 's/^Libs.private: //p' "$PREFIX/lib/pkgconfig/nettx.pc")" = "$NATIVE_LIBS"
check "nettxConfig.cmake: nettx_static links rustc's native-static-libs" \
    grep -qF "INTERFACE_LINK_LIBRARIES \"${NATIVE_LIBS// /;}\"" "$PREFIX/lib/cmake/nettx/nettxConfig.cmake"
printf '#!/bin/sh\n[ "$1" = rustc ] && exit 101\nexec cargo "$@"\n' > "$BIN/cargo-without-rustc"
chmod +x "$BIN/cargo-without-rustc"
check "make install, rustc not answering" make --no-print-directory install PREFIX="$TMP/prefix-fallback" \
    CARGO="$BIN/cargo-without-rustc"
check "nettx.pc: Libs.private falls back to the Makefile's list" \
    test "$(sed -n 's/^Libs.private: //p' "$TMP/prefix-fallback/lib/pkgconfig/nettx.pc")" = \
    "$(sed -n 's/^NATIVE_STATIC_LIBS_FALLBACK := //p' Makefile)"
# Only the nettx_ functions are exported by the shared library.
check "exports only nettx_* functions" bash -c \
    "! nm -D --defined-only '$PREFIX/lib/libnettx.so' | awk '\$2 == \"T\" {print \$3}' | grep -v '^nettx_'"

step "pkg-config"
if ! command -v pkg-config > /dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    note "pkg-config not found: installing it with apt-get"
    apt-get install -y -qq pkg-config > "$TMP/apt.log" 2>&1 ||
        { apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq pkg-config >> "$TMP/apt.log" 2>&1; }
fi
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
if command -v pkg-config > /dev/null; then
    check "pkg-config --modversion nettx is $VERSION" test "$(pkg-config --modversion nettx)" = "$VERSION"
    read -r -a NETTX_CFLAGS <<< "$(pkg-config --cflags nettx)"
    read -r -a NETTX_LIBS <<< "$(pkg-config --libs nettx)"
    # Static: libnettx.a by name, then what it needs (Libs.private).
    read -r -a NETTX_STATIC_LIBS <<< "$(pkg-config --static --libs-only-l nettx | sed 's/-lnettx//')"
    HAVE_PKG_CONFIG=1
else
    note "pkg-config not available: using explicit -I/-L flags"
    NETTX_CFLAGS=(-I"$PREFIX/include")
    NETTX_LIBS=(-L"$PREFIX/lib" -lnettx)
    read -r -a NETTX_STATIC_LIBS <<< "$(sed -n 's/^Libs.private: //p' "$PREFIX/lib/pkgconfig/nettx.pc")"
    HAVE_PKG_CONFIG=0
fi
STATIC_LINK=("$PREFIX/lib/libnettx.a" "${NETTX_STATIC_LIBS[@]}")
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

step "test data from tests/conformance"
check "prepare.py" python3 tests/c/prepare.py tests/conformance "$DATA"
ARGS=(tests/conformance/golden.jsonl "$DATA/inputs.hex" "$DATA/typed.txt")

step "headers: C99, C11, C++17, included twice, -Wall -Wextra -Werror -pedantic"
cat > "$TMP/twice.c" << 'EOF'
#include "nettx.h"
#include "nettx.h"
#include <string.h>
int main(void) {
    nettx_case c;
    nettx_case_init(&c);
    return strcmp(nettx_version(), NETTX_VERSION) != 0;
}
EOF
cat > "$TMP/twice.cpp" << 'EOF'
#include "nettx.h"
#include "nettx.hpp"
#include "nettx.h"
#include "nettx.hpp"
#include <cstring>
int main() {
    nettx_case c;
    nettx_case_init(&c);
    return nettx::version() != NETTX_VERSION || std::strcmp(nettx_version(), NETTX_VERSION) != 0;
}
EOF
check "nettx.h as C99, twice" gcc "${CFLAGS_STRICT[@]}" "${NETTX_CFLAGS[@]}" "$TMP/twice.c" "${NETTX_LIBS[@]}" -o "$BIN/twice99"
check "run (C99)" "$BIN/twice99"
check "nettx.h as C11, twice" gcc -std=c11 -Wall -Wextra -Werror -pedantic "${NETTX_CFLAGS[@]}" -c "$TMP/twice.c" -o "$BIN/twice11.o"
check "nettx.h as C++17 (the .c file compiled as C++), twice" g++ -x c++ "${CXXFLAGS_STRICT[@]}" "${NETTX_CFLAGS[@]}" -c "$TMP/twice.c" -o "$BIN/twice_cxx.o"
check "nettx.h + nettx.hpp as C++17, twice" g++ "${CXXFLAGS_STRICT[@]}" "${NETTX_CFLAGS[@]}" "$TMP/twice.cpp" "${NETTX_LIBS[@]}" -o "$BIN/twicepp"
check "run (C++17)" "$BIN/twicepp"

step "C tests (tests/c/test_nettx.c), shared and static library"
check "build C test, shared" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_nettx.c "${NETTX_LIBS[@]}" -pthread -lm -o "$BIN/test_c_shared"
check "build C test, static" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_nettx.c "${STATIC_LINK[@]}" -pthread -lm -o "$BIN/test_c_static"
check "static test does not load libnettx.so" bash -c "! ldd '$BIN/test_c_static' | grep -q libnettx"
suite "C, shared library" "$BIN/test_c_shared" "${ARGS[@]}"
suite "C, static library" "$BIN/test_c_static" "${ARGS[@]}"

step "hostile inputs (tests/c/test_hostile.c, tests/hostile/corpus.json), shared and static library"
check "build hostile test, shared" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_hostile.c "${NETTX_LIBS[@]}" -o "$BIN/test_hostile_shared"
check "build hostile test, static" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_hostile.c "${STATIC_LINK[@]}" -pthread -o "$BIN/test_hostile_static"
suite "hostile, shared library" "$BIN/test_hostile_shared" "$DATA/hostile.txt"
suite "hostile, static library" "$BIN/test_hostile_static" "$DATA/hostile.txt"

step "FHIR records (tests/c/test_fhir.c, tests/fhir), shared and static library"
FHIR_ARGS=(tests/fhir/records.jsonl tests/fhir/evaluated.jsonl tests/fhir/cards.jsonl "$DATA/fhir_bad.txt")
check "build FHIR test, shared" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_fhir.c "${NETTX_LIBS[@]}" -o "$BIN/test_fhir_shared"
check "build FHIR test, static" gcc "${CFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/c/test_fhir.c "${STATIC_LINK[@]}" -pthread -o "$BIN/test_fhir_static"
suite "FHIR, shared library" "$BIN/test_fhir_shared" "${FHIR_ARGS[@]}"
suite "FHIR, static library" "$BIN/test_fhir_static" "${FHIR_ARGS[@]}"
check "build FHIR C++ test, shared" g++ "${CXXFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/cpp/test_fhir.cpp "${NETTX_LIBS[@]}" -o "$BIN/test_fhir_cpp_shared"
check "build FHIR C++ test, static" g++ "${CXXFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/cpp/test_fhir.cpp "${STATIC_LINK[@]}" -pthread -o "$BIN/test_fhir_cpp_static"
suite "FHIR C++, shared library" "$BIN/test_fhir_cpp_shared" "${FHIR_ARGS[@]}"
suite "FHIR C++, static library" "$BIN/test_fhir_cpp_static" "${FHIR_ARGS[@]}"

step "C++ tests (tests/cpp/test_nettx.cpp), shared and static library"
check "build C++ test, shared" g++ "${CXXFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/cpp/test_nettx.cpp "${NETTX_LIBS[@]}" -pthread -o "$BIN/test_cpp_shared"
check "build C++ test, static" g++ "${CXXFLAGS_STRICT[@]}" -O1 "${NETTX_CFLAGS[@]}" tests/cpp/test_nettx.cpp "${STATIC_LINK[@]}" -pthread -o "$BIN/test_cpp_static"
suite "C++, shared library" "$BIN/test_cpp_shared" "${ARGS[@]}"
suite "C++, static library" "$BIN/test_cpp_static" "${ARGS[@]}"

step "memory checks: valgrind (shared) and ASan + UBSan (static)"
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite)
if command -v valgrind > /dev/null; then
    suite "C under valgrind" "${VALGRIND[@]}" "$BIN/test_c_shared" "${ARGS[@]}" --quick
    suite "C++ under valgrind" "${VALGRIND[@]}" "$BIN/test_cpp_shared" "${ARGS[@]}"
    suite "hostile under valgrind" "${VALGRIND[@]}" "$BIN/test_hostile_shared" "$DATA/hostile.txt"
    suite "FHIR under valgrind" "${VALGRIND[@]}" "$BIN/test_fhir_shared" "${FHIR_ARGS[@]}"
    suite "FHIR C++ under valgrind" "${VALGRIND[@]}" "$BIN/test_fhir_cpp_shared" "${FHIR_ARGS[@]}"
elif [[ ${NETTX_SKIP_VALGRIND:-0} == 1 ]]; then
    note "valgrind not found: valgrind runs skipped (NETTX_SKIP_VALGRIND=1)"
else
    fail "valgrind not found (install valgrind, or set NETTX_SKIP_VALGRIND=1 to skip its runs)"
fi
if echo 'int main(void){return 0;}' | gcc -x c -fsanitize=address,undefined - -o "$BIN/asan_probe" > /dev/null 2>&1; then
    check "build C test with -fsanitize=address,undefined, static" gcc "${CFLAGS_STRICT[@]}" -O1 -g \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "${NETTX_CFLAGS[@]}" tests/c/test_nettx.c "${STATIC_LINK[@]}" -pthread -lm -o "$BIN/test_c_asan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        suite "C under ASan + UBSan" "$BIN/test_c_asan" "${ARGS[@]}"
    check "build C++ test with -fsanitize=address,undefined, static" g++ "${CXXFLAGS_STRICT[@]}" -O1 -g \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "${NETTX_CFLAGS[@]}" tests/cpp/test_nettx.cpp "${STATIC_LINK[@]}" -pthread -o "$BIN/test_cpp_asan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        suite "C++ under ASan + UBSan" "$BIN/test_cpp_asan" "${ARGS[@]}"
    check "build hostile test with -fsanitize=address,undefined, static" gcc "${CFLAGS_STRICT[@]}" -O1 -g \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "${NETTX_CFLAGS[@]}" tests/c/test_hostile.c "${STATIC_LINK[@]}" -pthread -o "$BIN/test_hostile_asan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        suite "hostile under ASan + UBSan" "$BIN/test_hostile_asan" "$DATA/hostile.txt"
    check "build FHIR test with -fsanitize=address,undefined, static" gcc "${CFLAGS_STRICT[@]}" -O1 -g \
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        "${NETTX_CFLAGS[@]}" tests/c/test_fhir.c "${STATIC_LINK[@]}" -pthread -o "$BIN/test_fhir_asan"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        suite "FHIR under ASan + UBSan" "$BIN/test_fhir_asan" "${FHIR_ARGS[@]}"
elif [[ ${NETTX_SKIP_SANITIZERS:-0} == 1 ]]; then
    note "this gcc cannot build with -fsanitize=address,undefined: skipped (NETTX_SKIP_SANITIZERS=1)"
else
    fail "this gcc cannot build with -fsanitize=address,undefined (install libasan/libubsan, or set NETTX_SKIP_SANITIZERS=1 to skip)"
fi

step "examples/c and examples/cpp, built against the installed library"
cp -r examples/c examples/cpp "$TMP/"
if [[ $HAVE_PKG_CONFIG == 1 ]]; then
    check "examples/c: make (pkg-config)" make --no-print-directory -C "$TMP/c" CFLAGS="-std=c99 -Wall -Wextra -Werror -O2"
    check "examples/cpp: make (pkg-config)" make --no-print-directory -C "$TMP/cpp" CXXFLAGS="-std=c++17 -Wall -Wextra -Werror -O2"
else
    check "examples/c: build" gcc -std=c99 -Wall -Wextra -Werror "${NETTX_CFLAGS[@]}" "$TMP/c/main.c" "${NETTX_LIBS[@]}" -o "$TMP/c/nettx-example"
    check "examples/cpp: build" g++ -std=c++17 -Wall -Wextra -Werror "${NETTX_CFLAGS[@]}" "$TMP/cpp/main.cpp" "${NETTX_LIBS[@]}" -o "$TMP/cpp/nettx-example-cpp"
fi
check "examples/c: run" "$TMP/c/nettx-example"
check "examples/cpp: run" "$TMP/cpp/nettx-example-cpp"
if command -v cmake > /dev/null; then
    check "examples/cpp: cmake configure (find_package(nettx))" \
        cmake -S "$TMP/cpp" -B "$TMP/cpp/build" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release
    check "examples/cpp: cmake build" cmake --build "$TMP/cpp/build"
    check "examples/cpp: run (CMake build)" "$TMP/cpp/build/nettx-example-cpp"
    check "examples/cpp: cmake configure with nettx::nettx_static" \
        cmake -S "$TMP/cpp" -B "$TMP/cpp/build-static" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release \
        -DNETTX_TARGET=nettx::nettx_static
    check "examples/cpp: cmake build, static" cmake --build "$TMP/cpp/build-static"
    check "examples/cpp: static build does not load libnettx.so" bash -c \
        "! ldd '$TMP/cpp/build-static/nettx-example-cpp' | grep -q libnettx"
    check "examples/cpp: run (CMake build, static)" "$TMP/cpp/build-static/nettx-example-cpp"

    # The version check (nettxConfigVersion.cmake), before a language is
    # enabled (CMAKE_SIZEOF_VOID_P not yet defined) and after: this version is
    # accepted, and the next minor refused (0.x releases are not compatible
    # with each other) because of its version, not of the 64-bit check (CMake
    # lists the package as "version: 0.1.0", not "0.1.0 (64-bit)").
    # cmake_find LANGUAGES VERSION [LINE]: configures a project that only calls
    # find_package(nettx VERSION REQUIRED) (after LINE); prints cmake's output.
    cmake_find() {
        local dir="$TMP/cmake-find/$1-$2-${3:+extra}"
        mkdir -p "$dir"
        printf 'cmake_minimum_required(VERSION 3.14)\nproject(p LANGUAGES %s)\n%s\nfind_package(nettx %s REQUIRED)\nmessage(STATUS "found nettx ${nettx_VERSION}")\n' \
            "$1" "${3:-}" "$2" > "$dir/CMakeLists.txt"
        cmake -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$PREFIX" 2>&1 | tee "$dir.log"
    }
    cmake_accepts() { cmake_find "$@" && grep -q "found nettx $VERSION\$" "$TMP/cmake-find/$1-$2-${3:+extra}.log"; }
    # cmake_refuses LANGUAGES VERSION LINE LISTED: refused, the package listed
    # as "version: LISTED".
    cmake_refuses() {
        local log="$TMP/cmake-find/$1-$2-${3:+extra}.log" reason=$4
        ! cmake_find "$1" "$2" "$3" && grep -q "requested version \"$2\"" "$log" &&
            grep -q "version: $reason\$" "$log"
    }
    NEXT="$MAJOR.$((MINOR + 1))"
    for languages in NONE C; do
        check "CMake (LANGUAGES $languages) accepts nettx $MAJOR.$MINOR" cmake_accepts "$languages" "$MAJOR.$MINOR"
        check "CMake (LANGUAGES $languages) accepts nettx $VERSION" cmake_accepts "$languages" "$VERSION"
        check "CMake (LANGUAGES $languages) refuses nettx $NEXT" cmake_refuses "$languages" "$NEXT" "" "$VERSION"
    done
    check "CMake refuses the 64-bit nettx to a 32-bit project" \
        cmake_refuses NONE "$MAJOR.$MINOR" "set(CMAKE_SIZEOF_VOID_P 4)" "$VERSION (64-bit)"
else
    note "cmake not found: the CMake package checks are skipped (apt-get install cmake to run them)"
fi

finish
