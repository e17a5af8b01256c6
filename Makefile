# nettx: the two commands of the README, and helpers.
#   make demo   evaluate the bundled example cases and print the readable report
#   make test   run every test (what CI runs)
#   make install PREFIX=/opt/nettx   build libnettx (release) and install the C
#               library: lib/libnettx.{so,a}, include/nettx.h{,pp},
#               lib/pkgconfig/nettx.pc, lib/cmake/nettx/ (DESTDIR is honoured)
#   make uninstall PREFIX=...        remove what install put there

.PHONY: demo test bench clean install uninstall

demo:
	cargo run --release --quiet -p nettx-cli -- evaluate --format text examples/cases.jsonl

test:
	./scripts/test.sh

bench:
	cargo bench -p nettx-tests

clean:
	cargo clean

# ---- the C library ---------------------------------------------------------

CARGO ?= cargo
# Where cargo puts its build (honours CARGO_TARGET_DIR like cargo does).
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
PREFIX ?= /usr/local
override PREFIX := $(abspath $(PREFIX))
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
# What a program linking libnettx.a also needs: asked of rustc when install
# runs (`--print native-static-libs` of the staticlib build), else, if that
# fails, the fallback list. Set NATIVE_STATIC_LIBS to skip the probe.
NATIVE_STATIC_LIBS_FALLBACK := -lgcc_s -lutil -lrt -lpthread -lm -ldl
NATIVE_STATIC_LIBS_PROBE = $(shell $(CARGO) rustc --release --locked -p nettx-ffi \
	--crate-type staticlib -- --print native-static-libs 2>&1 | \
	sed -n 's/^note: native-static-libs: //p' | tail -n 1)
ifeq ($(origin NATIVE_STATIC_LIBS),undefined)
# Probed once, when first used (only install uses it).
NATIVE_STATIC_LIBS = $(eval NATIVE_STATIC_LIBS := $$(or $$(strip $$(NATIVE_STATIC_LIBS_PROBE)),$$(NATIVE_STATIC_LIBS_FALLBACK)))$(NATIVE_STATIC_LIBS)
endif

VERSION := $(shell sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)
VERSION_MAJOR := $(word 1,$(subst ., ,$(VERSION)))
VERSION_MINOR := $(word 2,$(subst ., ,$(VERSION)))
# The SONAME's version (crates/nettx-ffi/build.rs): 0.MINOR while the major is 0.
SOVERSION := $(if $(filter 0,$(VERSION_MAJOR)),0.$(VERSION_MINOR),$(VERSION_MAJOR))
LIBDIR_REL := $(patsubst $(PREFIX)/%,%,$(LIBDIR))
INCLUDEDIR_REL := $(patsubst $(PREFIX)/%,%,$(INCLUDEDIR))
CMAKEDIR := $(LIBDIR)/cmake/nettx
PACKAGING := crates/nettx-ffi/packaging
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|g' -e 's|@VERSION_MINOR@|$(VERSION_MINOR)|g' \
	-e 's|@SOVERSION@|$(SOVERSION)|g' -e 's|@LIBDIR_REL@|$(LIBDIR_REL)|g' \
	-e 's|@INCLUDEDIR_REL@|$(INCLUDEDIR_REL)|g' \
	-e "s|@CMAKE_TO_PREFIX@|../../$$(echo '$(LIBDIR_REL)' | sed 's|[^/][^/]*|..|g')|g" \
	-e 's|@NATIVE_STATIC_LIBS@|$(NATIVE_STATIC_LIBS)|g' \
	-e 's|@NATIVE_STATIC_LIBS_CMAKE@|$(subst $(eval) ,;,$(NATIVE_STATIC_LIBS))|g'

install:
	$(CARGO) build --release --locked -p nettx-ffi
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(CMAKEDIR)
	install -m 755 $(TARGET_DIR)/release/libnettx.so $(DESTDIR)$(LIBDIR)/libnettx.so.$(VERSION)
	ln -sf libnettx.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnettx.so.$(SOVERSION)
	ln -sf libnettx.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libnettx.so
	install -m 644 $(TARGET_DIR)/release/libnettx.a $(DESTDIR)$(LIBDIR)/libnettx.a
	install -m 644 include/nettx.h include/nettx.hpp $(DESTDIR)$(INCLUDEDIR)/
	@$(SUBST) $(PACKAGING)/nettx.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/nettx.pc
	@$(SUBST) $(PACKAGING)/nettxConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/nettxConfig.cmake
	@$(SUBST) $(PACKAGING)/nettxConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/nettxConfigVersion.cmake
	@echo "installed libnettx $(VERSION) under $(DESTDIR)$(PREFIX) (static link also needs: $(NATIVE_STATIC_LIBS))"

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libnettx.so $(DESTDIR)$(LIBDIR)/libnettx.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libnettx.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnettx.a \
		$(DESTDIR)$(INCLUDEDIR)/nettx.h $(DESTDIR)$(INCLUDEDIR)/nettx.hpp \
		$(DESTDIR)$(LIBDIR)/pkgconfig/nettx.pc $(DESTDIR)$(CMAKEDIR)/nettxConfig.cmake \
		$(DESTDIR)$(CMAKEDIR)/nettxConfigVersion.cmake
	-rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null
