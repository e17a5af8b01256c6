/*
 * C tests of the FHIR entry of libnettx, C99. Run by tests/c/run.sh against
 * the shared and the static library (and under valgrind / sanitizers):
 *
 *   test_fhir RECORDS_JSONL EVALUATED_JSONL CARDS_JSONL FHIR_BAD_TXT
 *
 * The first three are tests/fhir/records.jsonl, evaluated.jsonl and
 * cards.jsonl; FHIR_BAD_TXT is written by tests/c/prepare.py. Checks:
 *   - every good record through nettx_fhir_evaluate_json gives NETTX_OK and
 *     the golden bytes;
 *   - every bad record gives the status of its kind and an error document
 *     with its kind and field (nettx_error_read), the generated ones (10,001
 *     entries, 8 MiB + 1 byte) included;
 *   - nettx_evaluation_cds_cards_json on typed cases equal to records 01 and
 *     33 gives their golden cards;
 *   - NULL arguments.
 * Prints one line per failure and ends with "RESULT passed=N failed=M".
 */
#include "nettx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *fmt, ...) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

typedef struct {
    char **line;
    size_t count;
} lines;

static lines read_lines(const char *path) {
    lines out = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 0, len = 0;
    char *buf = NULL;
    int c;
    size_t n = 0, ncap = 0;
    for (;;) {
        c = fgetc(f);
        if (c == EOF || c == '\n') {
            if (c == EOF && len == 0) break;
            if (n == ncap) {
                ncap = ncap ? 2 * ncap : 64;
                out.line = realloc(out.line, ncap * sizeof *out.line);
            }
            char *s = malloc(len + 1);
            if (len) memcpy(s, buf, len);
            s[len] = '\0';
            out.line[n++] = s;
            len = 0;
            if (c == EOF) break;
            continue;
        }
        if (len + 1 >= cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
        }
        buf[len++] = (char)c;
    }
    free(buf);
    fclose(f);
    out.count = n;
    return out;
}

static void free_lines(lines *l) {
    for (size_t i = 0; i < l->count; i++) free(l->line[i]);
    free(l->line);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* The record of a fhir_bad.txt line (NUL-terminated, malloc'd). */
static char *bad_record(const char *spec) {
    if (strncmp(spec, "gen:entries:", 12) == 0) {
        long n = strtol(spec + 12, NULL, 10);
        const char *head = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[";
        const char *entry = "{\"resource\":{\"resourceType\":\"Basic\"}}";
        size_t size = strlen(head) + (size_t)n * (strlen(entry) + 1) + 3;
        char *s = malloc(size), *p = s;
        p += sprintf(p, "%s", head);
        for (long i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? "," : "", entry);
        sprintf(p, "]}");
        return s;
    }
    if (strncmp(spec, "gen:bytes:", 10) == 0) {
        size_t n = (size_t)strtol(spec + 10, NULL, 10);
        const char *head = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"id\":\"";
        char *s = malloc(n + 1);
        size_t h = strlen(head);
        memcpy(s, head, h);
        memset(s + h, 'x', n - h - 2);
        memcpy(s + n - 2, "\"}", 2);
        s[n] = '\0';
        return s;
    }
    size_t len = strlen(spec) / 2;
    char *s = malloc(len + 1);
    for (size_t i = 0; i < len; i++) s[i] = (char)(hexval(spec[2 * i]) * 16 + hexval(spec[2 * i + 1]));
    s[len] = '\0';
    return s;
}

static int status_of_kind(const char *kind) {
    if (strcmp(kind, "parse") == 0) return NETTX_ERR_PARSE;
    if (strcmp(kind, "field") == 0) return NETTX_ERR_FIELD;
    if (strcmp(kind, "contradiction") == 0) return NETTX_ERR_CONTRADICTION;
    return NETTX_ERR_INTERNAL;
}

static void test_good(const lines *records, const lines *evaluated) {
    check(records->count >= 40 && records->count == evaluated->count, "good records: %zu, golden lines: %zu",
          records->count, evaluated->count);
    for (size_t i = 0; i < records->count && i < evaluated->count; i++) {
        char *out = NULL;
        int status = nettx_fhir_evaluate_json(records->line[i], &out);
        check(status == NETTX_OK, "record %zu: status %d (%s)", i + 1, status, out ? out : "");
        check(out && strcmp(out, evaluated->line[i]) == 0, "record %zu: bytes differ", i + 1);
        nettx_string_free(out);
    }
}

static void test_bad(const lines *bad) {
    check(bad->count >= 40, "bad records: %zu", bad->count);
    for (size_t i = 0; i < bad->count; i++) {
        char *line = bad->line[i];
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab1 || !tab2) {
            check(0, "fhir_bad.txt line %zu malformed", i + 1);
            continue;
        }
        *tab1 = *tab2 = '\0';
        const char *kind = tab1 + 1, *field = tab2 + 1;
        char *record = bad_record(line);
        char *out = NULL;
        int status = nettx_fhir_evaluate_json(record, &out);
        check(status == status_of_kind(kind), "bad %zu: status %d, want %s (%s)", i + 1, status, kind, out ? out : "");
        char *got_field = NULL, *message = NULL;
        int kind_status = nettx_error_read(out, &got_field, &message);
        check(kind_status == status_of_kind(kind), "bad %zu: document kind", i + 1);
        check(*field ? (got_field && strcmp(got_field, field) == 0) : got_field == NULL,
              "bad %zu: field %s, want %s", i + 1, got_field ? got_field : "(none)", field);
        check(message && *message, "bad %zu: a message", i + 1);
        nettx_string_free(got_field);
        nettx_string_free(message);
        nettx_string_free(out);
        free(record);
    }
}

static void cards_of(const nettx_case *c, const char *want, const char *what) {
    nettx_evaluation *e = NULL;
    char *error = NULL;
    int status = nettx_evaluate(c, &e, &error);
    check(status == NETTX_OK, "%s: evaluate %d", what, status);
    nettx_string_free(error);
    char *out = NULL;
    status = nettx_evaluation_cds_cards_json(e, &out);
    check(status == NETTX_OK, "%s: cards status %d", what, status);
    check(out && want && strcmp(out, want) == 0, "%s: cards differ:\n%s\n%s", what, out ? out : "", want ? want : "");
    nettx_string_free(out);
    nettx_evaluation_free(e);
}

static void test_cards(const lines *cards) {
    if (cards->count < 33) {
        check(0, "cards.jsonl has %zu lines", cards->count);
        return;
    }
    nettx_case c;
    nettx_case_init(&c);
    c.case_id = "pt1";
    c.primary_site = NETTX_SITE_ILEUM;
    c.histology = NETTX_HISTOLOGY_WELL_DIFFERENTIATED;
    cards_of(&c, cards->line[0], "record 01");
    c.complications = NETTX_COMPLICATION_BIT_BOWEL_OBSTRUCTION;
    cards_of(&c, cards->line[32], "record 33");
}

static void test_nulls(void) {
    char *out = NULL;
    check(nettx_fhir_evaluate_json(NULL, &out) == NETTX_ERR_NULL_ARGUMENT, "NULL record");
    check(out != NULL, "NULL record: an error document");
    nettx_string_free(out);
    check(nettx_fhir_evaluate_json("{}", NULL) == NETTX_ERR_NULL_ARGUMENT, "NULL out");
    out = NULL;
    check(nettx_evaluation_cds_cards_json(NULL, &out) == NETTX_ERR_NULL_ARGUMENT, "NULL evaluation");
    check(out != NULL, "NULL evaluation: an error document");
    nettx_string_free(out);
    check(NETTX_MAX_RECORD_JSON_BYTES == 8388608, "NETTX_MAX_RECORD_JSON_BYTES");
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s RECORDS_JSONL EVALUATED_JSONL CARDS_JSONL FHIR_BAD_TXT\n", argv[0]);
        return 2;
    }
    lines records = read_lines(argv[1]), evaluated = read_lines(argv[2]);
    lines cards = read_lines(argv[3]), bad = read_lines(argv[4]);
    test_good(&records, &evaluated);
    test_bad(&bad);
    test_cards(&cards);
    test_nulls();
    free_lines(&records);
    free_lines(&evaluated);
    free_lines(&cards);
    free_lines(&bad);
    printf("RESULT passed=%d failed=%d\n", passed, failed);
    return failed ? 1 : 0;
}
