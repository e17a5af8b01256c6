/*
 * Readers of the files tests/c/prepare.py writes from tests/conformance
 * (golden.jsonl lines, inputs.hex, typed.txt), shared by the C test
 * (tests/c/test_nettx.c) and the soak (tests/soak/soak.c) so that the file
 * formats are read in one place. C99, static functions only: include it in
 * one translation unit, after nettx.h. A malformed file or a name the library
 * does not know ends the program with status 2.
 */
#ifndef NETTX_TESTS_PREPARED_H
#define NETTX_TESTS_PREPARED_H

#include "nettx.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void prepared_die(const char *what, const char *detail) {
    fprintf(stderr, "%s%s\n", what, detail ? detail : "");
    exit(2);
}

/* ---- lines ---------------------------------------------------------------- */

typedef struct {
    char **lines;
    size_t n;
} lines_t;

/* Every line of a file, without its newline (a last line without one kept). */
static lines_t read_lines(const char *path) {
    lines_t out = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 0, len = 0, line_cap = 0;
    char *line = NULL;
    for (;;) {
        int c = fgetc(f);
        if (c == EOF && len == 0) break;
        if (c == '\n' || c == EOF) {
            if (out.n == cap) {
                cap = cap ? cap * 2 : 64;
                char **p = realloc(out.lines, cap * sizeof *p);
                if (!p) prepared_die("out of memory", NULL);
                out.lines = p;
            }
            out.lines[out.n++] = line ? line : calloc(1, 1);
            if (!out.lines[out.n - 1]) prepared_die("out of memory", NULL);
            line = NULL;
            len = line_cap = 0;
            if (c == EOF) break;
        } else {
            if (len + 2 > line_cap) {
                line_cap = line_cap ? line_cap * 2 : 256;
                char *p = realloc(line, line_cap);
                if (!p) prepared_die("out of memory", NULL);
                line = p;
            }
            line[len++] = (char)c;
            line[len] = '\0';
        }
    }
    fclose(f);
    return out;
}

static void free_lines(lines_t *l) {
    for (size_t i = 0; i < l->n; i++) free(l->lines[i]);
    free(l->lines);
}

/* ---- inputs.hex ---------------------------------------------------------- */

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes hex into a new NUL-terminated string (its length in *len). */
static char *unhex(const char *hex, size_t *len) {
    size_t n = strlen(hex) / 2;
    char *out = malloc(n + 1);
    if (!out) prepared_die("out of memory", NULL);
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) prepared_die("bad hex in a prepared file", NULL);
        out[i] = (char)(hi * 16 + lo);
    }
    out[n] = '\0';
    if (len) *len = n;
    return out;
}

/* ---- typed.txt ------------------------------------------------------------ */

typedef struct {
    nettx_case c;
    char *case_id; /* owned; c.case_id points to it */
} typed_case;

static int32_t value_of(nettx_vocabulary v, const char *name) {
    int32_t out = -99;
    if (nettx_value(v, name, &out) != NETTX_OK) prepared_die("no value named ", name);
    return out;
}

static nettx_fact fact_of(const char *value) {
    if (strcmp(value, "null") == 0) return NETTX_FACT_UNKNOWN;
    return (nettx_fact)value_of(NETTX_VOCABULARY_FACT, value);
}

/* Sets one key=value field of a typed.txt line (split in place). */
static void set_field(typed_case *t, char *field) {
    char *eq = strchr(field, '=');
    if (!eq) return;
    *eq = '\0';
    const char *key = field, *value = eq + 1;
    int is_null = strcmp(value, "null") == 0;
    if (strcmp(key, "case_id") == 0) {
        t->case_id = unhex(value, NULL);
        t->c.case_id = t->case_id;
    } else if (strcmp(key, "primary_site") == 0) {
        t->c.primary_site = (nettx_site)value_of(NETTX_VOCABULARY_SITE, value);
    } else if (strcmp(key, "histology") == 0) {
        if (!is_null) t->c.histology = (nettx_histology)value_of(NETTX_VOCABULARY_HISTOLOGY, value);
    } else if (strcmp(key, "tumor_size_cm") == 0) {
        if (!is_null) {
            t->c.has_tumor_size = true;
            t->c.tumor_size_cm = strtod(value, NULL);
        }
    } else if (strcmp(key, "local_spread") == 0) {
        t->c.local_spread = fact_of(value);
    } else if (strcmp(key, "metastatic") == 0) {
        t->c.metastatic = fact_of(value);
    } else if (strcmp(key, "hepatic_metastases") == 0) {
        t->c.hepatic_metastases = fact_of(value);
    } else if (strcmp(key, "extrahepatic_metastases") == 0) {
        t->c.extrahepatic_metastases = fact_of(value);
    } else if (strcmp(key, "metastases_resectable") == 0) {
        t->c.metastases_resectable = fact_of(value);
    } else if (strcmp(key, "carcinoid_syndrome") == 0) {
        t->c.carcinoid_syndrome = fact_of(value);
    } else if (strcmp(key, "complications") == 0) {
        if (!is_null && *value) {
            char *item = eq + 1; /* split the list in place */
            while (item) {
                char *next = strchr(item, ',');
                if (next) *next++ = '\0';
                t->c.complications |= 1u << value_of(NETTX_VOCABULARY_COMPLICATION, item);
                item = next;
            }
        }
    } else if (strcmp(key, "ssa_response") == 0) {
        if (!is_null) t->c.ssa_response = (nettx_ssa_response)value_of(NETTX_VOCABULARY_SSA_RESPONSE, value);
    } else {
        prepared_die("unknown key in typed.txt: ", key);
    }
}

/* The typed case of a typed.txt line (the line is not changed; thread-safe). */
static typed_case parse_typed(const char *line) {
    typed_case t;
    nettx_case_init(&t.c);
    t.case_id = NULL;
    char *copy = malloc(strlen(line) + 1);
    if (!copy) prepared_die("out of memory", NULL);
    strcpy(copy, line);
    char *field = copy;
    while (field) {
        char *next = strchr(field, '\t');
        if (next) *next++ = '\0';
        set_field(&t, field);
        field = next;
    }
    free(copy);
    return t;
}

#endif
