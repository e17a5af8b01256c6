/*
 * C tests of libnettx, C99. Run by tests/c/run.sh against the shared and the
 * static library (and under valgrind / sanitizers):
 *
 *   test_nettx GOLDEN_JSONL INPUTS_HEX TYPED_TXT [--quick]
 *
 * GOLDEN_JSONL is tests/conformance/golden.jsonl; INPUTS_HEX and TYPED_TXT are
 * written by tests/c/prepare.py. Checks:
 *   - every conformance input through nettx_evaluate_json (and _len) gives
 *     the golden bytes and the status of its kind;
 *   - every conformance case through the typed API gives the golden bytes
 *     from nettx_evaluation_to_json AND when the document is rebuilt from the
 *     accessors alone (codes, order, missing, warnings, texts, trace);
 *   - every error kind with its status, through both entry points;
 *   - NULL for each pointer argument; bounded reading of strings;
 *   - names and values of every vocabulary;
 *   - 8 threads evaluating concurrently with identical results.
 * Prints one line per failure and ends with "RESULT passed=N failed=M".
 * --quick runs fewer thread rounds (for valgrind).
 */
#include "nettx.h"

#include <math.h>
#include <pthread.h>
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
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- small growable string ------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} buf;

static void buf_put(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            perror("realloc");
            exit(2);
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* A JSON string, escaped as serde_json escapes (", \, control characters). */
static void buf_json(buf *b, const char *s) {
    buf_str(b, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': buf_str(b, "\\\""); break;
        case '\\': buf_str(b, "\\\\"); break;
        case '\n': buf_str(b, "\\n"); break;
        case '\r': buf_str(b, "\\r"); break;
        case '\t': buf_str(b, "\\t"); break;
        case '\b': buf_str(b, "\\b"); break;
        case '\f': buf_str(b, "\\f"); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                buf_str(b, esc);
            } else {
                buf_put(b, (const char *)p, 1);
            }
        }
    }
    buf_str(b, "\"");
}

/* ---- input files: lines, hex, typed cases (tests/c/prepared.h) -------- */

#include "prepared.h"

/* The evaluation document, rebuilt from the accessors alone. */
static char *rebuild_json(const nettx_evaluation *e) {
    buf b = {NULL, 0, 0};
    buf_str(&b, "{");
    if (nettx_evaluation_case_id(e)) {
        buf_str(&b, "\"case_id\":");
        buf_json(&b, nettx_evaluation_case_id(e));
        buf_str(&b, ",");
    }
    buf_str(&b, "\"guideline\":{\"id\":");
    buf_json(&b, nettx_guideline_id());
    buf_str(&b, ",\"version\":");
    buf_json(&b, nettx_guideline_version());
    buf_str(&b, ",\"digest\":");
    buf_json(&b, nettx_guideline_digest());
    buf_str(&b, "},\"engine\":{\"name\":");
    buf_json(&b, nettx_engine_name());
    buf_str(&b, ",\"version\":");
    buf_json(&b, nettx_version());
    buf_str(&b, "},\"case_digest\":");
    buf_json(&b, nettx_evaluation_case_digest(e));
    buf_str(&b, ",\"in_scope\":");
    buf_str(&b, nettx_evaluation_in_scope(e) == 1 ? "true" : "false");
    buf_str(&b, ",\"disease_state\":");
    buf_json(&b, nettx_name(NETTX_VOCABULARY_DISEASE_STATE, nettx_evaluation_disease_state(e)));
    buf_str(&b, ",\"goals\":[");
    for (size_t i = 0; i < nettx_evaluation_goal_count(e); i++) {
        if (i) buf_str(&b, ",");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_GOAL, nettx_evaluation_goal(e, i)));
    }
    buf_str(&b, "],\"recommendations\":[");
    for (size_t i = 0; i < nettx_evaluation_recommendation_count(e); i++) {
        if (i) buf_str(&b, ",");
        buf_str(&b, "{\"code\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_CODE, nettx_evaluation_recommendation_code(e, i)));
        check(streq(nettx_evaluation_recommendation_code_name(e, i),
                    nettx_name(NETTX_VOCABULARY_CODE, nettx_evaluation_recommendation_code(e, i))),
              "code name of recommendation %zu", i);
        buf_str(&b, ",\"category\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_CATEGORY, nettx_evaluation_recommendation_category(e, i)));
        buf_str(&b, ",\"strength\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_STRENGTH, nettx_evaluation_recommendation_strength(e, i)));
        buf_str(&b, ",\"intent\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_INTENT, nettx_evaluation_recommendation_intent(e, i)));
        buf_str(&b, ",\"urgency\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_URGENCY, nettx_evaluation_recommendation_urgency(e, i)));
        buf_str(&b, ",\"summary\":");
        buf_json(&b, nettx_evaluation_recommendation_summary(e, i));
        buf_str(&b, ",\"rationale\":");
        buf_json(&b, nettx_evaluation_recommendation_rationale(e, i));
        buf_str(&b, ",\"sources\":[");
        for (size_t j = 0; j < nettx_evaluation_recommendation_source_count(e, i); j++) {
            if (j) buf_str(&b, ",");
            buf_json(&b, nettx_evaluation_recommendation_source(e, i, j));
        }
        buf_str(&b, "]}");
    }
    buf_str(&b, "],\"missing\":[");
    for (size_t i = 0; i < nettx_evaluation_missing_count(e); i++) {
        if (i) buf_str(&b, ",");
        buf_str(&b, "{\"field\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_FIELD, nettx_evaluation_missing_field(e, i)));
        check(streq(nettx_evaluation_missing_field_name(e, i),
                    nettx_name(NETTX_VOCABULARY_FIELD, nettx_evaluation_missing_field(e, i))),
              "field name of missing %zu", i);
        buf_str(&b, ",\"reason\":");
        buf_json(&b, nettx_evaluation_missing_reason(e, i));
        buf_str(&b, "}");
    }
    buf_str(&b, "],\"warnings\":[");
    for (size_t i = 0; i < nettx_evaluation_warning_count(e); i++) {
        if (i) buf_str(&b, ",");
        buf_str(&b, "{\"code\":");
        buf_json(&b, nettx_name(NETTX_VOCABULARY_WARNING, nettx_evaluation_warning_code(e, i)));
        check(streq(nettx_evaluation_warning_code_name(e, i),
                    nettx_name(NETTX_VOCABULARY_WARNING, nettx_evaluation_warning_code(e, i))),
              "code name of warning %zu", i);
        buf_str(&b, ",\"message\":");
        buf_json(&b, nettx_evaluation_warning_message(e, i));
        buf_str(&b, ",\"sources\":[");
        for (size_t j = 0; j < nettx_evaluation_warning_source_count(e, i); j++) {
            if (j) buf_str(&b, ",");
            buf_json(&b, nettx_evaluation_warning_source(e, i, j));
        }
        buf_str(&b, "]}");
    }
    buf_str(&b, "],\"trace\":[");
    for (size_t i = 0; i < nettx_evaluation_trace_count(e); i++) {
        if (i) buf_str(&b, ",");
        buf_str(&b, "{\"rule\":");
        buf_json(&b, nettx_evaluation_trace_rule_id(e, i));
        check(streq(nettx_evaluation_trace_rule_id(e, i),
                    nettx_name(NETTX_VOCABULARY_RULE, nettx_evaluation_trace_rule(e, i))),
              "rule id of trace entry %zu", i);
        buf_str(&b, ",\"fired\":");
        buf_str(&b, nettx_evaluation_trace_fired(e, i) == 1 ? "true" : "false");
        buf_str(&b, ",\"detail\":");
        buf_json(&b, nettx_evaluation_trace_detail(e, i));
        buf_str(&b, "}");
    }
    buf_str(&b, "]}");
    return b.data;
}

/* ---- tests ------------------------------------------------------------- */

static lines_t golden, inputs, typed;

/* The status an output document stands for: OK for an evaluation. */
static int status_of_document(const char *doc) { return nettx_error_read(doc, NULL, NULL); }

static void test_version(void) {
    check(streq(nettx_version(), NETTX_VERSION), "nettx_version() %s == NETTX_VERSION %s", nettx_version(),
          NETTX_VERSION);
    char macros[64];
    snprintf(macros, sizeof macros, "%d.%d.%d", NETTX_VERSION_MAJOR, NETTX_VERSION_MINOR, NETTX_VERSION_PATCH);
    check(streq(macros, NETTX_VERSION), "version macros %s agree with NETTX_VERSION", macros);
    check(streq(nettx_engine_name(), "nettx"), "engine name");
    check(nettx_guideline_digest() && strlen(nettx_guideline_digest()) == 64, "guideline digest");
}

static void test_json_conformance(void) {
    check(inputs.n == golden.n, "as many inputs (%zu) as golden lines (%zu)", inputs.n, golden.n);
    for (size_t i = 0; i < inputs.n && i < golden.n; i++) {
        size_t len = 0;
        char *input = unhex(inputs.lines[i], &len);
        char *out = NULL;
        int status = nettx_evaluate_json(input, &out);
        check(out && strcmp(out, golden.lines[i]) == 0, "JSON input %zu: output differs from golden\n  got  %s\n  want %s", i,
              out ? out : "(null)", golden.lines[i]);
        check(status == status_of_document(golden.lines[i]), "JSON input %zu: status %d", i, status);
        nettx_string_free(out);
        out = NULL;
        int status_len = nettx_evaluate_json_len(input, len, &out);
        check(status_len == status && out && strcmp(out, golden.lines[i]) == 0, "JSON input %zu through _len", i);
        nettx_string_free(out);
        free(input);
    }
}

static void test_typed_conformance(void) {
    check(typed.n == 109, "109 typed cases (got %zu)", typed.n);
    for (size_t i = 0; i < typed.n && i < golden.n; i++) {
        typed_case t = parse_typed(typed.lines[i]);
        nettx_evaluation *e = NULL;
        char *error = NULL;
        int status = nettx_evaluate(&t.c, &e, &error);
        check(status == NETTX_OK && e && !error, "typed case %zu: status %d %s", i, status, error ? error : "");
        if (e) {
            char *json = NULL;
            check(nettx_evaluation_to_json(e, &json) == NETTX_OK && streq(json, golden.lines[i]),
                  "typed case %zu: to_json differs from golden\n  got  %s\n  want %s", i, json ? json : "(null)",
                  golden.lines[i]);
            nettx_string_free(json);
            char *rebuilt = rebuild_json(e);
            check(streq(rebuilt, golden.lines[i]),
                  "typed case %zu: document rebuilt from accessors differs\n  got  %s\n  want %s", i, rebuilt,
                  golden.lines[i]);
            free(rebuilt);
            /* Out of range: sentinels, never values. */
            size_t n = nettx_evaluation_recommendation_count(e);
            check(nettx_evaluation_recommendation_code(e, n) == -1 && !nettx_evaluation_recommendation_summary(e, n) &&
                      nettx_evaluation_recommendation_source_count(e, n) == 0 &&
                      nettx_evaluation_trace_fired(e, nettx_evaluation_trace_count(e)) == -1 &&
                      !nettx_evaluation_trace_detail(e, nettx_evaluation_trace_count(e)),
                  "typed case %zu: out-of-range accessors", i);
        }
        nettx_evaluation_free(e);
        nettx_string_free(error);
        free(t.case_id);
    }
}

/* Evaluates a typed case that must fail; returns the error document. */
static char *typed_error(const nettx_case *c, int want_status, const char *what) {
    nettx_evaluation *e = NULL;
    char *error = NULL;
    int status = nettx_evaluate(c, &e, &error);
    check(status == want_status && !e && error, "%s: status %d (want %d)", what, status, want_status);
    nettx_evaluation_free(e);
    return error;
}

static char *json_output(const char *input, int *status) {
    char *out = NULL;
    *status = nettx_evaluate_json(input, &out);
    return out;
}

static void test_error_kinds(void) {
    struct {
        const char *input;
        int status;
        const char *field;
    } cases[] = {
        {"[]", NETTX_ERR_PARSE, NULL},
        {"{\"primary_site\":\"ileum\",\"metastatic\":NaN}", NETTX_ERR_PARSE, NULL},
        {"{\"primary_site\":\"ileum\",\"tumour_size_cm\":2}", NETTX_ERR_FIELD, "tumour_size_cm"},
        {"{\"primary_site\":\"ileum\",\"tumor_size_cm\":-2}", NETTX_ERR_FIELD, "tumor_size_cm"},
        {"{\"primary_site\":\"ileum\",\"metastatic\":false,\"hepatic_metastases\":true}", NETTX_ERR_CONTRADICTION,
         "metastatic"},
        {"{\"primary_site\":\"ileum\",\"carcinoid_syndrome\":false,\"ssa_response\":\"controlled\"}",
         NETTX_ERR_CONTRADICTION, "ssa_response"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = 0;
        char *out = json_output(cases[i].input, &status);
        char *field = NULL, *message = NULL;
        int read = nettx_error_read(out, &field, &message);
        check(status == cases[i].status && read == status, "error input %zu: status %d, read %d", i, status, read);
        check(cases[i].field ? streq(field, cases[i].field) : field == NULL, "error input %zu: field %s", i,
              field ? field : "(none)");
        check(message && *message, "error input %zu: a message", i);
        nettx_string_free(field);
        nettx_string_free(message);
        nettx_string_free(out);
    }
    /* An unknown key holding a NUL (JSON \u0000): the field is still
       written, whole, with the NUL as U+FFFD; so is the message. */
    {
        int status = 0;
        char *out = json_output("{\"primary_site\":\"ileum\",\"a\\u0000b\":1}", &status);
        char *field = NULL, *message = NULL;
        int read = nettx_error_read(out, &field, &message);
        check(status == NETTX_ERR_FIELD && read == NETTX_ERR_FIELD, "NUL in a key: status %d, read %d", status, read);
        check(streq(field, "a\xEF\xBF\xBD" "b"), "NUL in a key: field %s", field ? field : "(null)");
        check(message && *message, "NUL in a key: a message");
        nettx_string_free(field);
        nettx_string_free(message);
        nettx_string_free(out);
        message = NULL;
        read = nettx_error_read("{\"error\":{\"kind\":\"internal\",\"message\":\"x\\u0000y\"}}", NULL, &message);
        check(read == NETTX_ERR_INTERNAL && streq(message, "x\xEF\xBF\xBD" "y"), "NUL in a message: %s",
              message ? message : "(null)");
        nettx_string_free(message);
    }
    /* The kind "internal" has its own status (no input can cause one). */
    check(nettx_error_read("{\"error\":{\"kind\":\"internal\",\"message\":\"x\"}}", NULL, NULL) == NETTX_ERR_INTERNAL,
          "internal kind -> NETTX_ERR_INTERNAL");
    check(streq(nettx_status_name(NETTX_ERR_INTERNAL), "internal") && streq(nettx_status_name(NETTX_OK), "ok") &&
              streq(nettx_status_name(NETTX_ERR_NULL_ARGUMENT), "null_argument") &&
              streq(nettx_status_name(NETTX_ERR_PANIC), "panic") && nettx_status_name(99) == NULL,
          "status names");

    /* Typed errors: the same documents as the equivalent JSON. */
    struct {
        const char *json;
        int status;
    } typed_cases[] = {
        {"{\"primary_site\":\"ileum\",\"tumor_size_cm\":-2}", NETTX_ERR_FIELD},
        {"{\"primary_site\":99}", NETTX_ERR_FIELD},
        {"{\"primary_site\":\"ileum\",\"local_spread\":3}", NETTX_ERR_FIELD},
        {"{\"primary_site\":\"ileum\",\"complications\":64}", NETTX_ERR_FIELD},
        {"{\"primary_site\":\"ileum\",\"metastatic\":false,\"hepatic_metastases\":true}", NETTX_ERR_CONTRADICTION},
        {"{\"metastatic\":false}", NETTX_ERR_FIELD},
    };
    for (size_t i = 0; i < sizeof typed_cases / sizeof typed_cases[0]; i++) {
        nettx_case c;
        nettx_case_init(&c);
        switch (i) {
        case 0:
            c.primary_site = NETTX_SITE_ILEUM;
            c.has_tumor_size = true;
            c.tumor_size_cm = -2.0;
            break;
        case 1: c.primary_site = (nettx_site)99; break;
        case 2:
            c.primary_site = NETTX_SITE_ILEUM;
            c.local_spread = (nettx_fact)3;
            break;
        case 3:
            c.primary_site = NETTX_SITE_ILEUM;
            c.complications = 64;
            break;
        case 4:
            c.primary_site = NETTX_SITE_ILEUM;
            c.metastatic = NETTX_FACT_FALSE;
            c.hepatic_metastases = NETTX_FACT_TRUE;
            break;
        default: c.metastatic = NETTX_FACT_FALSE; break; /* no site */
        }
        char what[64];
        snprintf(what, sizeof what, "typed error %zu", i);
        char *doc = typed_error(&c, typed_cases[i].status, what);
        int status = 0;
        char *want = json_output(typed_cases[i].json, &status);
        check(status == typed_cases[i].status && streq(doc, want), "typed error %zu: document\n  got  %s\n  want %s", i,
              doc ? doc : "(null)", want ? want : "(null)");
        nettx_string_free(doc);
        nettx_string_free(want);
    }
    /* NaN size: a field error, never unknown. */
    nettx_case c;
    nettx_case_init(&c);
    c.primary_site = NETTX_SITE_ILEUM;
    c.has_tumor_size = true;
    c.tumor_size_cm = nan("");
    char *doc = typed_error(&c, NETTX_ERR_FIELD, "NaN size");
    char *field = NULL;
    check(nettx_error_read(doc, &field, NULL) == NETTX_ERR_FIELD && streq(field, "tumor_size_cm"), "NaN size field");
    nettx_string_free(field);
    nettx_string_free(doc);
    /* A case_id over 256 bytes. */
    char long_id[300];
    memset(long_id, 'x', 257);
    long_id[257] = '\0';
    nettx_case_init(&c);
    c.primary_site = NETTX_SITE_ILEUM;
    c.case_id = long_id;
    doc = typed_error(&c, NETTX_ERR_FIELD, "long case_id");
    check(doc && strstr(doc, "\"field\":\"case_id\"") && strstr(doc, "got 257 bytes"), "long case_id document");
    nettx_string_free(doc);
    /* A struct that never saw nettx_case_init. */
    nettx_case zero;
    memset(&zero, 0, sizeof zero);
    zero.primary_site = NETTX_SITE_ILEUM;
    doc = typed_error(&zero, NETTX_ERR_PARSE, "zero-filled case");
    check(doc && strstr(doc, "nettx_case_init"), "zero-filled case document");
    nettx_string_free(doc);
    /* A smaller layout (a caller built with another header): only struct_size
       is read, never past it (valgrind reports a read past the block). */
    uint32_t *small = malloc(sizeof *small);
    if (!small) exit(2);
    *small = (uint32_t)sizeof *small;
    doc = typed_error((const nettx_case *)(const void *)small, NETTX_ERR_PARSE, "4-byte case");
    check(doc && strstr(doc, "struct_size is 4"), "4-byte case document");
    nettx_string_free(doc);
    free(small);
    /* error_json may be NULL, on failure and on success. */
    nettx_evaluation *e = NULL;
    check(nettx_evaluate(&zero, &e, NULL) == NETTX_ERR_PARSE && !e, "failure without error_json");
    nettx_case_init(&c);
    c.primary_site = NETTX_SITE_COLON;
    check(nettx_evaluate(&c, &e, NULL) == NETTX_OK && e, "success without error_json");
    nettx_evaluation_free(e);
}

static void test_init_and_layout(void) {
    nettx_case c;
    memset(&c, 0xAB, sizeof c);
    check(nettx_case_init(&c) == NETTX_OK, "nettx_case_init");
    check(c.struct_size == sizeof(nettx_case), "struct_size %u == sizeof %zu", c.struct_size, sizeof(nettx_case));
    check(c.case_id == NULL && c.primary_site == NETTX_SITE_NONE && c.histology == NETTX_HISTOLOGY_UNKNOWN &&
              !c.has_tumor_size && c.local_spread == NETTX_FACT_UNKNOWN && c.metastatic == NETTX_FACT_UNKNOWN &&
              c.hepatic_metastases == NETTX_FACT_UNKNOWN && c.extrahepatic_metastases == NETTX_FACT_UNKNOWN &&
              c.metastases_resectable == NETTX_FACT_UNKNOWN && c.carcinoid_syndrome == NETTX_FACT_UNKNOWN &&
              c.complications == 0 && c.ssa_response == NETTX_SSA_RESPONSE_UNKNOWN,
          "nettx_case_init sets everything unknown");
    check(NETTX_FACT_UNKNOWN == 0 && NETTX_FACT_FALSE == 1 && NETTX_FACT_TRUE == 2, "fact values");
    check(NETTX_COMPLICATION_BIT_BLEEDING == (1u << NETTX_COMPLICATION_BLEEDING) &&
              NETTX_COMPLICATION_BIT_OTHER == (1u << NETTX_COMPLICATION_OTHER),
          "complication bits");
    /* Only the site known: the same evaluation as the JSON case with only the site. */
    c.primary_site = NETTX_SITE_RECTUM;
    nettx_evaluation *e = NULL;
    char *json = NULL, *want = NULL;
    int status = 0;
    check(nettx_evaluate(&c, &e, NULL) == NETTX_OK, "site only");
    nettx_evaluation_to_json(e, &json);
    want = json_output("{\"primary_site\":\"rectum\"}", &status);
    check(streq(json, want), "site only: same as JSON");
    nettx_string_free(json);
    nettx_string_free(want);
    nettx_evaluation_free(e);
}

static void test_nulls(void) {
    char *out = NULL;
    check(nettx_evaluate_json(NULL, NULL) == NETTX_ERR_NULL_ARGUMENT, "evaluate_json(NULL, NULL)");
    check(nettx_evaluate_json("{}", NULL) == NETTX_ERR_NULL_ARGUMENT, "evaluate_json(json, NULL)");
    check(nettx_evaluate_json(NULL, &out) == NETTX_ERR_NULL_ARGUMENT && out &&
              nettx_error_read(out, NULL, NULL) == NETTX_ERR_PARSE,
          "evaluate_json(NULL, &out) gives an error document");
    nettx_string_free(out);
    out = NULL;
    check(nettx_evaluate_json_len(NULL, 3, &out) == NETTX_ERR_NULL_ARGUMENT && out, "evaluate_json_len(NULL, ...)");
    nettx_string_free(out);
    check(nettx_evaluate_json_len("{}", 2, NULL) == NETTX_ERR_NULL_ARGUMENT, "evaluate_json_len(json, 2, NULL)");
    nettx_string_free(NULL);
    check(nettx_case_init(NULL) == NETTX_ERR_NULL_ARGUMENT, "case_init(NULL)");

    nettx_case c;
    nettx_case_init(&c);
    c.primary_site = NETTX_SITE_ILEUM;
    nettx_evaluation *e = NULL;
    char *error = NULL;
    check(nettx_evaluate(NULL, &e, &error) == NETTX_ERR_NULL_ARGUMENT && !e && error, "evaluate(NULL, &e, &err)");
    nettx_string_free(error);
    error = NULL;
    check(nettx_evaluate(&c, NULL, &error) == NETTX_ERR_NULL_ARGUMENT && error, "evaluate(&c, NULL, &err)");
    nettx_string_free(error);
    check(nettx_evaluate(NULL, NULL, NULL) == NETTX_ERR_NULL_ARGUMENT, "evaluate(NULL, NULL, NULL)");
    out = NULL;
    check(nettx_evaluation_to_json(NULL, &out) == NETTX_ERR_NULL_ARGUMENT && out, "to_json(NULL, &out)");
    nettx_string_free(out);
    check(nettx_evaluate(&c, &e, NULL) == NETTX_OK, "evaluate for to_json(e, NULL)");
    check(nettx_evaluation_to_json(e, NULL) == NETTX_ERR_NULL_ARGUMENT, "to_json(e, NULL)");
    nettx_evaluation_free(e);
    nettx_evaluation_free(NULL);

    const nettx_evaluation *n = NULL;
    check(!nettx_evaluation_case_id(n) && !nettx_evaluation_case_digest(n) && nettx_evaluation_in_scope(n) == -1 &&
              nettx_evaluation_disease_state(n) == -1 && nettx_evaluation_goal_count(n) == 0 &&
              nettx_evaluation_goal(n, 0) == -1,
          "NULL evaluation: scalar accessors");
    check(nettx_evaluation_recommendation_count(n) == 0 && nettx_evaluation_recommendation_code(n, 0) == -1 &&
              !nettx_evaluation_recommendation_code_name(n, 0) && nettx_evaluation_recommendation_category(n, 0) == -1 &&
              nettx_evaluation_recommendation_strength(n, 0) == -1 &&
              nettx_evaluation_recommendation_intent(n, 0) == -1 &&
              nettx_evaluation_recommendation_urgency(n, 0) == -1 && !nettx_evaluation_recommendation_summary(n, 0) &&
              !nettx_evaluation_recommendation_rationale(n, 0) &&
              nettx_evaluation_recommendation_source_count(n, 0) == 0 &&
              !nettx_evaluation_recommendation_source(n, 0, 0),
          "NULL evaluation: recommendation accessors");
    check(nettx_evaluation_missing_count(n) == 0 && nettx_evaluation_missing_field(n, 0) == -1 &&
              !nettx_evaluation_missing_field_name(n, 0) && !nettx_evaluation_missing_reason(n, 0) &&
              nettx_evaluation_warning_count(n) == 0 && nettx_evaluation_warning_code(n, 0) == -1 &&
              !nettx_evaluation_warning_code_name(n, 0) && !nettx_evaluation_warning_message(n, 0) &&
              nettx_evaluation_warning_source_count(n, 0) == 0 && !nettx_evaluation_warning_source(n, 0, 0),
          "NULL evaluation: missing and warning accessors");
    check(nettx_evaluation_trace_count(n) == 0 && nettx_evaluation_trace_rule(n, 0) == -1 &&
              !nettx_evaluation_trace_rule_id(n, 0) && nettx_evaluation_trace_fired(n, 0) == -1 &&
              !nettx_evaluation_trace_detail(n, 0),
          "NULL evaluation: trace accessors");
    int32_t v = -99;
    check(nettx_value(NETTX_VOCABULARY_SITE, NULL, &v) == NETTX_ERR_NULL_ARGUMENT && v == -99, "value(NULL name)");
    check(nettx_value(NETTX_VOCABULARY_SITE, "ileum", NULL) == NETTX_ERR_NULL_ARGUMENT, "value(NULL out)");
    check(nettx_error_read(NULL, NULL, NULL) == NETTX_ERR_NULL_ARGUMENT, "error_read(NULL)");
}

static void test_bounds(void) {
    /* 65,537 bytes and no terminator: refused after reading exactly those
       bytes (valgrind / ASan would report a read past the block). */
    size_t n = 65537;
    char *block = malloc(n);
    if (!block) exit(2);
    memset(block, ' ', n);
    char *out = NULL;
    int status = nettx_evaluate_json(block, &out);
    check(status == NETTX_ERR_PARSE && out && strstr(out, "longer than 65536 bytes"), "unterminated 65,537 bytes");
    nettx_string_free(out);
    /* Exactly 65,536 bytes: read and parsed. */
    const char *doc = "{\"primary_site\":\"ileum\"}";
    memcpy(block, doc, strlen(doc));
    block[n - 1] = '\0';
    out = NULL;
    status = nettx_evaluate_json(block, &out);
    check(status == NETTX_OK, "65,536 bytes of JSON accepted (status %d)", status);
    nettx_string_free(out);
    free(block);
    /* The case_id is read with the same bound. */
    block = malloc(n);
    if (!block) exit(2);
    memset(block, 'y', n);
    nettx_case c;
    nettx_case_init(&c);
    c.primary_site = NETTX_SITE_ILEUM;
    c.case_id = block;
    char *error = typed_error(&c, NETTX_ERR_FIELD, "unterminated case_id");
    check(error && strstr(error, "\"field\":\"case_id\""), "unterminated case_id: field error");
    nettx_string_free(error);
    free(block);
    /* Invalid UTF-8 is a parse error. */
    out = NULL;
    check(nettx_evaluate_json("{\"primary_site\":\"ile\xff\"}", &out) == NETTX_ERR_PARSE, "invalid UTF-8");
    nettx_string_free(out);
    /* A len over the limit is refused on len alone: the text is not touched,
       so it may be shorter than len. */
    out = NULL;
    check(nettx_evaluate_json_len("{}", 65537, &out) == NETTX_ERR_PARSE && out &&
              strstr(out, "the input is 65537 bytes"),
          "_len: len 65,537, text of 2 bytes");
    nettx_string_free(out);
    out = NULL;
    check(nettx_evaluate_json_len("{}", SIZE_MAX, &out) == NETTX_ERR_PARSE && out, "_len: len SIZE_MAX");
    nettx_string_free(out);
    /* nettx_error_read has its own bound, 1 MiB: a document longer than a
       case is read; 1,048,577 bytes and no terminator are refused after
       reading exactly those bytes. */
    size_t big = (size_t)1 << 20;
    block = malloc(big + 1);
    if (!block) exit(2);
    const char *head = "{\"error\":{\"kind\":\"internal\",\"message\":\"";
    const char *tail = "\"}}";
    size_t long_doc = 100000;
    memset(block, 'm', long_doc);
    memcpy(block, head, strlen(head));
    memcpy(block + long_doc - strlen(tail), tail, strlen(tail));
    block[long_doc] = '\0';
    char *message = NULL;
    check(nettx_error_read(block, NULL, &message) == NETTX_ERR_INTERNAL && message &&
              strlen(message) == long_doc - strlen(head) - strlen(tail),
          "error_read: a 100,000-byte document");
    nettx_string_free(message);
    memset(block, ' ', big + 1);
    message = NULL;
    check(nettx_error_read(block, NULL, &message) == NETTX_OK && !message, "error_read: unterminated 1,048,577 bytes");
    free(block);
    /* An embedded NUL through _len is a parse error, not the end of the text. */
    out = NULL;
    check(nettx_evaluate_json_len("{\"primary_site\":\"ileum\"}\0x", 26, &out) == NETTX_ERR_PARSE, "embedded NUL");
    nettx_string_free(out);
}

static void test_names(void) {
    int vocabularies = 0;
    for (int32_t v = 0; v <= NETTX_VOCABULARY_STATUS; v++) {
        size_t size = nettx_vocabulary_size(v);
        check(size > 0, "vocabulary %d has values", v);
        for (int32_t i = 0; i < (int32_t)size; i++) {
            const char *name = nettx_name(v, i);
            int32_t back = -99;
            check(name && nettx_value(v, name, &back) == NETTX_OK && back == i, "vocabulary %d value %d: %s", v, i,
                  name ? name : "(null)");
        }
        check(nettx_name(v, (int32_t)size) == NULL, "vocabulary %d: past the end", v);
        vocabularies++;
    }
    check(vocabularies == 17, "17 vocabularies");
    check(nettx_name(99, 0) == NULL && nettx_vocabulary_size(99) == 0, "unknown vocabulary");
    /* Constants and wire names agree (a sample of each enum; the Rust header
       test checks every constant against the core). */
    check(streq(nettx_name(NETTX_VOCABULARY_SITE, NETTX_SITE_SMALL_INTESTINE_UNSPECIFIED), "small_intestine_unspecified"),
          "site name");
    check(nettx_name(NETTX_VOCABULARY_SITE, NETTX_SITE_NONE) == NULL, "NETTX_SITE_NONE has no name");
    check(streq(nettx_name(NETTX_VOCABULARY_HISTOLOGY, NETTX_HISTOLOGY_UNKNOWN), "unknown"), "histology unknown");
    check(streq(nettx_name(NETTX_VOCABULARY_SSA_RESPONSE, NETTX_SSA_RESPONSE_SYMPTOMS_WORSENING), "symptoms_worsening"),
          "ssa name");
    check(streq(nettx_name(NETTX_VOCABULARY_CODE, NETTX_CODE_SMALL_BOWEL_RESECTION_WITH_MESENTERY),
                "SMALL_BOWEL_RESECTION_WITH_MESENTERY"),
          "code name");
    check(streq(nettx_name(NETTX_VOCABULARY_WARNING, NETTX_WARNING_SSA_GALLSTONES), "SSA_GALLSTONES"), "warning name");
    check(streq(nettx_name(NETTX_VOCABULARY_FIELD, NETTX_FIELD_TUMOR_SIZE_CM), "tumor_size_cm"), "field name");
    check(streq(nettx_name(NETTX_VOCABULARY_STRENGTH, NETTX_STRENGTH_ALTERNATIVE), "alternative") &&
              streq(nettx_name(NETTX_VOCABULARY_INTENT, NETTX_INTENT_COMPLICATION_RELIEF), "complication_relief") &&
              streq(nettx_name(NETTX_VOCABULARY_URGENCY, NETTX_URGENCY_URGENT), "urgent") &&
              streq(nettx_name(NETTX_VOCABULARY_CATEGORY, NETTX_CATEGORY_WORKUP), "workup") &&
              streq(nettx_name(NETTX_VOCABULARY_GOAL, NETTX_GOAL_BIOCHEMICAL_CONTROL), "biochemical_control") &&
              streq(nettx_name(NETTX_VOCABULARY_DISEASE_STATE, NETTX_DISEASE_STATE_UNDETERMINED), "undetermined") &&
              streq(nettx_name(NETTX_VOCABULARY_FACT, NETTX_FACT_TRUE), "true"),
          "output enum names");
    int32_t v = -99;
    check(nettx_value(NETTX_VOCABULARY_SITE, "Ileum", &v) == NETTX_ERR_FIELD && v == -99, "names are case-sensitive");
    check(nettx_value(NETTX_VOCABULARY_HISTOLOGY, "unknown", &v) == NETTX_OK && v == NETTX_HISTOLOGY_UNKNOWN,
          "\"unknown\" histology");
}

/* ---- threads ----------------------------------------------------------- */

typedef struct {
    int rounds;
    int mismatches;
} thread_job;

static void *thread_main(void *arg) {
    thread_job *job = arg;
    for (int r = 0; r < job->rounds; r++) {
        for (size_t i = 0; i < inputs.n; i++) {
            char *input = unhex(inputs.lines[i], NULL);
            char *out = NULL;
            nettx_evaluate_json(input, &out);
            if (!streq(out, golden.lines[i])) job->mismatches++;
            nettx_string_free(out);
            free(input);
        }
        for (size_t i = 0; i < typed.n; i++) {
            typed_case t = parse_typed(typed.lines[i]);
            nettx_evaluation *e = NULL;
            char *json = NULL;
            if (nettx_evaluate(&t.c, &e, NULL) != NETTX_OK || nettx_evaluation_to_json(e, &json) != NETTX_OK ||
                !streq(json, golden.lines[i]))
                job->mismatches++;
            /* The lazily built texts of an evaluation, from several threads. */
            if (e && nettx_evaluation_trace_count(e) > 0 && !nettx_evaluation_trace_detail(e, 0)) job->mismatches++;
            nettx_string_free(json);
            nettx_evaluation_free(e);
            free(t.case_id);
        }
    }
    return NULL;
}

/* Several threads reading one evaluation at once. */
typedef struct {
    const nettx_evaluation *e;
    const char *digest;
    int mismatches;
} shared_job;

static void *shared_main(void *arg) {
    shared_job *job = arg;
    for (int r = 0; r < 50; r++) {
        if (!streq(nettx_evaluation_case_digest(job->e), job->digest)) job->mismatches++;
        for (size_t i = 0; i < nettx_evaluation_trace_count(job->e); i++)
            if (!nettx_evaluation_trace_detail(job->e, i)) job->mismatches++;
    }
    return NULL;
}

static void test_threads(int rounds) {
    enum { N = 8 };
    pthread_t threads[N];
    thread_job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i].rounds = rounds;
        jobs[i].mismatches = 0;
        check(pthread_create(&threads[i], NULL, thread_main, &jobs[i]) == 0, "pthread_create %d", i);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        check(jobs[i].mismatches == 0, "thread %d: %d results differ from golden", i, jobs[i].mismatches);
    }
    /* One evaluation, read by 8 threads at once (lazy texts built once). */
    typed_case t = parse_typed(typed.lines[0]);
    nettx_evaluation *e = NULL;
    nettx_evaluate(&t.c, &e, NULL);
    char *json = NULL;
    nettx_evaluation_to_json(e, &json);
    const char *p = json ? strstr(json, "\"case_digest\":\"") : NULL;
    char digest[65] = {0};
    if (p) memcpy(digest, p + 15, 64);
    shared_job shared[N];
    for (int i = 0; i < N; i++) {
        shared[i].e = e;
        shared[i].digest = digest;
        shared[i].mismatches = 0;
        pthread_create(&threads[i], NULL, shared_main, &shared[i]);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        check(shared[i].mismatches == 0, "shared evaluation, thread %d: %d mismatches", i, shared[i].mismatches);
    }
    nettx_string_free(json);
    nettx_evaluation_free(e);
    free(t.case_id);
}

/* A whole file (run from the repository's root), or NULL. */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len + 1 == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) free(buf);
            buf = p;
        }
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

/* The pathway of the snapshot case (tests/pathway/rectal-bleeding.*) drawn
   through C gives the snapshot's bytes in each format; bad calls give errors. */
static void test_pathway(void) {
    nettx_case c;
    nettx_case_init(&c);
    c.case_id = "snapshot";
    c.primary_site = NETTX_SITE_RECTUM;
    c.has_tumor_size = true;
    c.tumor_size_cm = 1.5;
    c.metastatic = NETTX_FACT_FALSE;
    c.complications = NETTX_COMPLICATION_BIT_BLEEDING;
    nettx_evaluation *e = NULL;
    check(nettx_evaluate(&c, &e, NULL) == NETTX_OK, "pathway: evaluate the snapshot case");
    static const struct {
        int format;
        const char *file;
    } formats[] = {{NETTX_PATHWAY_FORMAT_SVG, "tests/pathway/rectal-bleeding.svg"},
                   {NETTX_PATHWAY_FORMAT_DOT, "tests/pathway/rectal-bleeding.dot"},
                   {NETTX_PATHWAY_FORMAT_MERMAID, "tests/pathway/rectal-bleeding.mmd"}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char *out = NULL, *want = slurp(formats[i].file);
        check(want != NULL, "pathway: read %s", formats[i].file);
        check(nettx_evaluation_pathway(e, formats[i].format, &out) == NETTX_OK && out && want &&
                  streq(out, want),
              "pathway: %s byte for byte", formats[i].file);
        nettx_string_free(out);
        free(want);
    }
    char *out = NULL, *field = NULL;
    check(nettx_evaluation_pathway(e, 7, &out) == NETTX_ERR_FIELD && out &&
              nettx_error_read(out, &field, NULL) == NETTX_ERR_FIELD && field && streq(field, "format"),
          "pathway: an unknown format is refused, naming the field");
    nettx_string_free(field);
    nettx_string_free(out);
    out = NULL;
    check(nettx_evaluation_pathway(NULL, NETTX_PATHWAY_FORMAT_SVG, &out) == NETTX_ERR_NULL_ARGUMENT && out,
          "pathway: NULL evaluation");
    nettx_string_free(out);
    check(nettx_evaluation_pathway(e, NETTX_PATHWAY_FORMAT_SVG, NULL) == NETTX_ERR_NULL_ARGUMENT,
          "pathway: NULL out");
    nettx_evaluation_free(e);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s GOLDEN_JSONL INPUTS_HEX TYPED_TXT [--quick]\n", argv[0]);
        return 2;
    }
    int quick = argc > 4 && strcmp(argv[4], "--quick") == 0;
    golden = read_lines(argv[1]);
    inputs = read_lines(argv[2]);
    typed = read_lines(argv[3]);

    test_version();
    test_json_conformance();
    test_typed_conformance();
    test_error_kinds();
    test_init_and_layout();
    test_nulls();
    test_bounds();
    test_names();
    test_pathway();
    test_threads(quick ? 1 : 10);

    free_lines(&golden);
    free_lines(&inputs);
    free_lines(&typed);
    printf("RESULT passed=%d failed=%d\n", passed, failed);
    return failed ? 1 : 0;
}
