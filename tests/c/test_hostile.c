/*
 * The hostile-input corpus (tests/hostile/corpus.json) through the C entry
 * points, C99. Run by tests/c/run.sh against the shared and the static
 * library, under valgrind and under AddressSanitizer + UBSan:
 *
 *   test_hostile HOSTILE_TXT
 *
 * HOSTILE_TXT is written by tests/c/prepare.py: per entry, the title, the
 * input as pieces (TIMES*HEX, comma-separated; expanded here) and the
 * expected answers of nettx_evaluate_json_len (the whole text) and of
 * nettx_evaluate_json (a C string: it stops at the first NUL). Each call must
 * return the status of the expected kind (NETTX_OK for a valid case), and
 * nettx_error_read must give the expected field (a NUL in a field comes back
 * as U+FFFD, as documented) and a message. Fails if the corpus has fewer than
 * 60 error entries.
 *
 * Also: the limit macros of the header are the limits the functions apply
 * (size, nesting, case_id through JSON and through nettx_case).
 *
 * Prints one line per failure and ends with "RESULT passed=N failed=M".
 */
#include "nettx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_ERROR_ENTRIES 60

static int passed, failed;

static void check(int ok, const char *fmt, ...) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        perror("malloc");
        exit(2);
    }
    return p;
}

/* ---- bytes ------------------------------------------------------------- */

typedef struct {
    char *data; /* always followed by a NUL (not counted in len) */
    size_t len;
} bytes_t;

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes `n` hex digits at `s` into `out` (n/2 bytes); 0 on bad input. */
static int unhex(const char *s, size_t n, char *out) {
    if (n % 2) return 0;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) return 0;
        out[i / 2] = (char)(hi * 16 + lo);
    }
    return 1;
}

/* Expands pieces "TIMES*HEX,TIMES*HEX,..." (the generator of the corpus,
 * prepared by prepare.py) of length `n` at `s`. Exits on malformed input. */
static bytes_t expand(const char *s, size_t n) {
    bytes_t out = {NULL, 0};
    /* Two passes: the size first, then the bytes. */
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0, pos = 0;
        while (pos < n) {
            const char *comma = memchr(s + pos, ',', n - pos);
            size_t end = comma ? (size_t)(comma - s) : n;
            const char *star = memchr(s + pos, '*', end - pos);
            if (!star) {
                fprintf(stderr, "bad piece in hostile.txt\n");
                exit(2);
            }
            unsigned long times = strtoul(s + pos, NULL, 10);
            size_t hex_len = end - (size_t)(star + 1 - s);
            size_t unit = hex_len / 2;
            if (pass == 1) {
                char *one = xmalloc(unit);
                if (!unhex(star + 1, hex_len, one)) {
                    fprintf(stderr, "bad hex in hostile.txt\n");
                    exit(2);
                }
                for (unsigned long t = 0; t < times; t++) {
                    memcpy(out.data + at, one, unit);
                    at += unit;
                }
                free(one);
            } else {
                at += unit * times;
            }
            pos = end + 1;
        }
        if (pass == 0) {
            out.len = at;
            out.data = xmalloc(at + 1);
        }
        out.data[out.len] = '\0';
    }
    return out;
}

/* ---- expected answers --------------------------------------------------- */

typedef struct {
    int status;     /* NETTX_OK for a valid case, else the kind's status */
    int has_field;  /* whether the error names a field */
    bytes_t field;  /* the field, a NUL in it written as U+FFFD */
} answer_t;

static int status_of_kind(const char *kind, size_t n) {
    if (n == 5 && memcmp(kind, "valid", 5) == 0) return NETTX_OK;
    if (n == 5 && memcmp(kind, "parse", 5) == 0) return NETTX_ERR_PARSE;
    if (n == 5 && memcmp(kind, "field", 5) == 0) return NETTX_ERR_FIELD;
    if (n == 13 && memcmp(kind, "contradiction", 13) == 0) return NETTX_ERR_CONTRADICTION;
    if (n == 8 && memcmp(kind, "internal", 8) == 0) return NETTX_ERR_INTERNAL;
    fprintf(stderr, "bad kind in hostile.txt: %.*s\n", (int)n, kind);
    exit(2);
}

/* nettx_error_read writes a NUL of a field as U+FFFD (EF BF BD). */
static bytes_t nul_as_replacement(bytes_t b) {
    size_t nuls = 0;
    for (size_t i = 0; i < b.len; i++) nuls += b.data[i] == '\0';
    if (!nuls) return b;
    bytes_t out = {xmalloc(b.len + 2 * nuls + 1), 0};
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '\0') {
            memcpy(out.data + out.len, "\xef\xbf\xbd", 3);
            out.len += 3;
        } else {
            out.data[out.len++] = b.data[i];
        }
    }
    out.data[out.len] = '\0';
    free(b.data);
    return out;
}

/* Reads "valid", "KIND" or "KIND:PIECES" of length n. */
static answer_t parse_answer(const char *s, size_t n) {
    answer_t a = {0, 0, {NULL, 0}};
    const char *colon = memchr(s, ':', n);
    size_t kind_len = colon ? (size_t)(colon - s) : n;
    a.status = status_of_kind(s, kind_len);
    if (colon) {
        a.has_field = 1;
        a.field = nul_as_replacement(expand(colon + 1, n - kind_len - 1));
    }
    return a;
}

static const char *status_name(int status) {
    switch (status) {
    case NETTX_OK: return "NETTX_OK";
    case NETTX_ERR_PARSE: return "NETTX_ERR_PARSE";
    case NETTX_ERR_FIELD: return "NETTX_ERR_FIELD";
    case NETTX_ERR_CONTRADICTION: return "NETTX_ERR_CONTRADICTION";
    case NETTX_ERR_INTERNAL: return "NETTX_ERR_INTERNAL";
    case NETTX_ERR_NULL_ARGUMENT: return "NETTX_ERR_NULL_ARGUMENT";
    case NETTX_ERR_PANIC: return "NETTX_ERR_PANIC";
    default: return "(unknown status)";
    }
}

/* Checks one call's status and document against the expected answer. */
static void check_answer(const char *title, const char *how, int status, char *doc,
                         const answer_t *want) {
    check(status == want->status, "%s: %s returned %s, expected %s", title, how,
          status_name(status), status_name(want->status));
    check(doc != NULL, "%s: %s wrote no document", title, how);
    if (!doc) return;
    char *field = NULL, *message = NULL;
    int kind = nettx_error_read(doc, &field, &message);
    check(kind == want->status, "%s: %s: the document's kind is %s, expected %s", title, how,
          status_name(kind), status_name(want->status));
    if (want->status != NETTX_OK && kind == want->status) {
        if (want->has_field) {
            check(field != NULL && strlen(field) == want->field.len &&
                      memcmp(field, want->field.data, want->field.len) == 0,
                  "%s: %s: field %.80s, expected %.80s", title, how, field ? field : "(none)",
                  want->field.data);
        } else {
            check(field == NULL, "%s: %s: field %.80s, expected none", title, how, field);
        }
        check(message != NULL && message[0] != '\0' && strlen(message) <= 1000,
              "%s: %s: a short message", title, how);
    }
    nettx_string_free(field);
    nettx_string_free(message);
    nettx_string_free(doc);
}

/* ---- the corpus ---------------------------------------------------------- */

/* The tab-separated fields of a line: start and length of each. */
static size_t split_tabs(const char *line, size_t len, const char **starts, size_t *lens,
                         size_t max) {
    size_t n = 0, pos = 0;
    while (n < max) {
        const char *tab = memchr(line + pos, '\t', len - pos);
        size_t end = tab ? (size_t)(tab - line) : len;
        starts[n] = line + pos;
        lens[n] = end - pos;
        n++;
        if (!tab) break;
        pos = end + 1;
    }
    return n;
}

static void test_corpus(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1 << 16, entries = 0, errors = 0;
    char *line = xmalloc(cap);
    for (;;) {
        size_t len = 0;
        int c;
        while ((c = fgetc(f)) != EOF && c != '\n') {
            if (len + 1 >= cap) {
                cap *= 2;
                line = realloc(line, cap);
                if (!line) exit(2);
            }
            line[len++] = (char)c;
        }
        if (len == 0 && c == EOF) break;
        line[len] = '\0';
        const char *part[4];
        size_t part_len[4];
        if (split_tabs(line, len, part, part_len, 4) != 4) {
            fprintf(stderr, "bad line in %s\n", path);
            exit(2);
        }
        char *title = xmalloc(part_len[0] / 2 + 1);
        if (!unhex(part[0], part_len[0], title)) exit(2);
        title[part_len[0] / 2] = '\0';
        bytes_t input = expand(part[1], part_len[1]);
        answer_t whole = parse_answer(part[2], part_len[2]);
        answer_t c_string = parse_answer(part[3], part_len[3]);
        entries++;
        errors += whole.status != NETTX_OK;

        char *doc = NULL;
        int status = nettx_evaluate_json_len(input.data, input.len, &doc);
        check_answer(title, "nettx_evaluate_json_len", status, doc, &whole);
        doc = NULL;
        status = nettx_evaluate_json(input.data, &doc);
        check_answer(title, "nettx_evaluate_json", status, doc, &c_string);

        free(input.data);
        free(whole.field.data);
        free(c_string.field.data);
        free(title);
    }
    free(line);
    fclose(f);
    check(errors >= MIN_ERROR_ENTRIES, "the corpus holds %lu error entries, at least %d needed",
          (unsigned long)errors, MIN_ERROR_ENTRIES);
    printf("hostile corpus: %lu entries (%lu errors)\n", (unsigned long)entries,
           (unsigned long)errors);
}

/* ---- the limit macros ----------------------------------------------------- */

/* The status of a JSON text of n bytes. */
static int status_of_json(const char *text, size_t n) {
    char *doc = NULL;
    int len_status = nettx_evaluate_json_len(text, n, &doc);
    nettx_string_free(doc);
    doc = NULL;
    int status = nettx_evaluate_json(text, &doc);
    nettx_string_free(doc);
    check(status == len_status, "nettx_evaluate_json and _len agree (%s, %s)",
          status_name(status), status_name(len_status));
    return status;
}

static void test_limit_macros(void) {
    check(NETTX_MAX_CASE_JSON_BYTES == 65536 && NETTX_MAX_NESTING_DEPTH == 127 &&
              NETTX_MAX_CASE_ID_BYTES == 256 && NETTX_MAX_BATCH_CASES == 1000000,
          "the limit macros have their documented values");

    /* Size: a case padded with spaces to exactly the limit, then one more. */
    const char *core = "{\"primary_site\":\"ileum\"}";
    char *text = xmalloc(NETTX_MAX_CASE_JSON_BYTES + 2);
    memset(text, ' ', NETTX_MAX_CASE_JSON_BYTES + 1);
    memcpy(text, core, strlen(core));
    text[NETTX_MAX_CASE_JSON_BYTES] = '\0';
    check(status_of_json(text, NETTX_MAX_CASE_JSON_BYTES) == NETTX_OK,
          "NETTX_MAX_CASE_JSON_BYTES bytes are accepted");
    text[NETTX_MAX_CASE_JSON_BYTES] = ' ';
    text[NETTX_MAX_CASE_JSON_BYTES + 1] = '\0';
    check(status_of_json(text, NETTX_MAX_CASE_JSON_BYTES + 1) == NETTX_ERR_PARSE,
          "NETTX_MAX_CASE_JSON_BYTES + 1 bytes are a parse error");
    free(text);

    /* Nesting: the case object plus depth - 1 lists under an unknown key. */
    for (int extra = 0; extra < 2; extra++) {
        size_t lists = NETTX_MAX_NESTING_DEPTH - 1 + (size_t)extra;
        const char *head = "{\"primary_site\":\"ileum\",\"zzz\":";
        size_t n = strlen(head) + 2 * lists + 1;
        char *nested = xmalloc(n + 1);
        memcpy(nested, head, strlen(head));
        memset(nested + strlen(head), '[', lists);
        memset(nested + strlen(head) + lists, ']', lists);
        nested[n - 1] = '}';
        nested[n] = '\0';
        check(status_of_json(nested, n) == (extra ? NETTX_ERR_PARSE : NETTX_ERR_FIELD),
              "nesting %s NETTX_MAX_NESTING_DEPTH", extra ? "one over" : "at");
        free(nested);
    }

    /* case_id: the limit through nettx_case too. */
    for (int extra = 0; extra < 2; extra++) {
        size_t n = NETTX_MAX_CASE_ID_BYTES + (size_t)extra;
        char *id = xmalloc(n + 1);
        memset(id, 'x', n);
        id[n] = '\0';
        nettx_case c;
        nettx_case_init(&c);
        c.primary_site = NETTX_SITE_ILEUM;
        c.case_id = id;
        nettx_evaluation *e = NULL;
        char *error = NULL;
        int status = nettx_evaluate(&c, &e, &error);
        check(status == (extra ? NETTX_ERR_FIELD : NETTX_OK), "case_id of %lu bytes in nettx_case",
              (unsigned long)n);
        nettx_evaluation_free(e);
        nettx_string_free(error);
        free(id);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s HOSTILE_TXT\n", argv[0]);
        return 2;
    }
    test_corpus(argv[1]);
    test_limit_macros();
    printf("RESULT passed=%d failed=%d\n", passed, failed);
    return failed ? 1 : 0;
}
