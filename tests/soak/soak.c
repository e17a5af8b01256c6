/*
 * Soak test of libnettx through its C API (C99; built by tests/soak/run.sh
 * against the release STATIC library): many evaluations, every result
 * checked, resident memory (VmRSS) compared between the end of a warm-up and
 * the end of the run.
 *
 *   soak [options] GOLDEN_JSONL INPUTS_HEX TYPED_TXT
 *
 *     -n N                 iterations (default 10,000,000)
 *     --warmup W           iterations before the start reading
 *                          (default min(100,000, N/10))
 *     --interval I         print a progress line every I iterations
 *                          (default min(1,000,000, N/10))
 *     --max-growth-kib K   fail when end - start RSS >= K KiB (default 2048)
 *     --leak-every K       self-test of the soak: do NOT free every K-th JSON
 *                          output, so that the run must fail on growth
 *
 * GOLDEN_JSONL is tests/conformance/golden.jsonl; INPUTS_HEX and TYPED_TXT
 * are written by tests/c/prepare.py (the C tests' format).
 *
 * One iteration is TWO evaluations, one through each entry point:
 *   - JSON: the next of the conformance inputs (70 valid cases and 46 error
 *     inputs, in golden.jsonl order), through nettx_evaluate_json and
 *     nettx_evaluate_json_len on alternate rounds; the output must be the
 *     golden line byte for byte and the status that of its kind; every 5th
 *     error document is also read back with nettx_error_read; the output is
 *     freed with nettx_string_free.
 *   - typed: the next of 79 typed cases (the 70 valid cases of typed.txt and
 *     9 invalid structs: out-of-range values, a contradiction, no site, NaN
 *     size, a too-long case_id, a zero-filled struct), each from
 *     nettx_case_init; for a valid case every accessor a caller reads
 *     (scope, state, goals, each recommendation's code, strength, intent,
 *     urgency, category, summary, rationale and sources, missing fields and
 *     reasons, warnings and messages, trace rules, case_id) is compared with
 *     what the first evaluation gave (itself checked against golden.jsonl
 *     through nettx_evaluation_to_json); every 7th also the case digest and
 *     every trace detail (both made on first request), every 61st the whole
 *     document through nettx_evaluation_to_json; then nettx_evaluation_free.
 *     An invalid case must give its status and error document (passed
 *     error_json on alternate rounds, NULL on the others) and no evaluation.
 * So N = 10,000,000 is 10M JSON + 10M typed evaluations.
 *
 * Prints a progress line (iterations, evaluations, elapsed s, RSS KiB) every
 * interval, then the start RSS (after the warm-up), end RSS, growth (and the
 * part of it in the second half of the run: a leak grows steadily, the
 * allocator settling does not), the lowest and highest reading from start to
 * end, peak RSS, time and evaluations per second, and a "SOAK c ..." line. Exit status: 0 passed;
 * 1 growth >= the limit or any wrong result during the run; 2 usage or input
 * error, or a library that does not reproduce golden.jsonl at the start.
 */
#define _POSIX_C_SOURCE 200809L
#include "nettx.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_LIST = 32, MAX_SOURCES = 16, MAX_PRINTED_FAILURES = 20 };

/* ---- helpers ------------------------------------------------------------ */

static unsigned long long wrong;

static void fail(const char *what, unsigned long long iteration, size_t index) {
    wrong++;
    if (wrong <= MAX_PRINTED_FAILURES)
        fprintf(stderr, "WRONG at iteration %llu: %s (input %zu)\n", iteration, what, index);
    if (wrong == MAX_PRINTED_FAILURES) fprintf(stderr, "(further wrong results are counted, not printed)\n");
}

static void die(const char *what) {
    fprintf(stderr, "soak: %s\n", what);
    exit(2);
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A line of /proc/self/status ("VmRSS:", "VmHWM:") in KiB; -1 if absent. */
static long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, n) == 0) {
            kib = strtol(line + n, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

static long rss_kib(void) { return status_kib("VmRSS:"); }

/* The readers of prepare.py's files: lines, hex, typed cases. */
#include "../c/prepared.h"

/* ---- what a valid typed evaluation must read as ------------------------ */

typedef struct {
    int in_scope;
    int32_t disease_state;
    size_t n_goals, n_recs, n_missing, n_warnings, n_trace;
    int32_t goals[MAX_LIST];
    int32_t rec_code[MAX_LIST], rec_strength[MAX_LIST], rec_intent[MAX_LIST], rec_urgency[MAX_LIST],
        rec_category[MAX_LIST];
    const char *rec_summary[MAX_LIST], *rec_rationale[MAX_LIST];
    size_t rec_n_sources[MAX_LIST];
    const char *rec_sources[MAX_LIST][MAX_SOURCES];
    int32_t missing[MAX_LIST];
    const char *missing_reason[MAX_LIST];
    int32_t warnings[MAX_LIST];
    const char *warning_message[MAX_LIST];
    int32_t trace_rule[64];
    int trace_fired[64];
    char digest[65];
} expected_t;

/* Records what evaluation e reads as (static strings by pointer: they live
   for the process). 0 if a list is longer than this program holds. */
static int record(const nettx_evaluation *e, expected_t *x) {
    memset(x, 0, sizeof *x);
    x->in_scope = nettx_evaluation_in_scope(e);
    x->disease_state = nettx_evaluation_disease_state(e);
    x->n_goals = nettx_evaluation_goal_count(e);
    x->n_recs = nettx_evaluation_recommendation_count(e);
    x->n_missing = nettx_evaluation_missing_count(e);
    x->n_warnings = nettx_evaluation_warning_count(e);
    x->n_trace = nettx_evaluation_trace_count(e);
    if (x->n_goals > MAX_LIST || x->n_recs > MAX_LIST || x->n_missing > MAX_LIST || x->n_warnings > MAX_LIST ||
        x->n_trace > 64)
        return 0;
    for (size_t i = 0; i < x->n_goals; i++) x->goals[i] = nettx_evaluation_goal(e, i);
    for (size_t i = 0; i < x->n_recs; i++) {
        x->rec_code[i] = nettx_evaluation_recommendation_code(e, i);
        x->rec_strength[i] = nettx_evaluation_recommendation_strength(e, i);
        x->rec_intent[i] = nettx_evaluation_recommendation_intent(e, i);
        x->rec_urgency[i] = nettx_evaluation_recommendation_urgency(e, i);
        x->rec_category[i] = nettx_evaluation_recommendation_category(e, i);
        x->rec_summary[i] = nettx_evaluation_recommendation_summary(e, i);
        x->rec_rationale[i] = nettx_evaluation_recommendation_rationale(e, i);
        x->rec_n_sources[i] = nettx_evaluation_recommendation_source_count(e, i);
        if (x->rec_n_sources[i] > MAX_SOURCES) return 0;
        for (size_t j = 0; j < x->rec_n_sources[i]; j++)
            x->rec_sources[i][j] = nettx_evaluation_recommendation_source(e, i, j);
    }
    for (size_t i = 0; i < x->n_missing; i++) {
        x->missing[i] = nettx_evaluation_missing_field(e, i);
        x->missing_reason[i] = nettx_evaluation_missing_reason(e, i);
    }
    for (size_t i = 0; i < x->n_warnings; i++) {
        x->warnings[i] = nettx_evaluation_warning_code(e, i);
        x->warning_message[i] = nettx_evaluation_warning_message(e, i);
    }
    for (size_t i = 0; i < x->n_trace; i++) {
        x->trace_rule[i] = nettx_evaluation_trace_rule(e, i);
        x->trace_fired[i] = nettx_evaluation_trace_fired(e, i);
    }
    const char *digest = nettx_evaluation_case_digest(e);
    if (!digest || strlen(digest) != 64) return 0;
    memcpy(x->digest, digest, 65);
    return 1;
}

/* Whether e reads as x: every accessor a caller reads (not the digest and
   the trace details, which are made on request: see check_lazy). */
static int matches(const nettx_evaluation *e, const expected_t *x, const char *case_id) {
    if (nettx_evaluation_in_scope(e) != x->in_scope || nettx_evaluation_disease_state(e) != x->disease_state ||
        nettx_evaluation_goal_count(e) != x->n_goals || nettx_evaluation_recommendation_count(e) != x->n_recs ||
        nettx_evaluation_missing_count(e) != x->n_missing || nettx_evaluation_warning_count(e) != x->n_warnings ||
        nettx_evaluation_trace_count(e) != x->n_trace)
        return 0;
    const char *id = nettx_evaluation_case_id(e);
    if (case_id ? !streq(id, case_id) : id != NULL) return 0;
    for (size_t i = 0; i < x->n_goals; i++)
        if (nettx_evaluation_goal(e, i) != x->goals[i]) return 0;
    for (size_t i = 0; i < x->n_recs; i++) {
        if (nettx_evaluation_recommendation_code(e, i) != x->rec_code[i] ||
            nettx_evaluation_recommendation_strength(e, i) != x->rec_strength[i] ||
            nettx_evaluation_recommendation_intent(e, i) != x->rec_intent[i] ||
            nettx_evaluation_recommendation_urgency(e, i) != x->rec_urgency[i] ||
            nettx_evaluation_recommendation_category(e, i) != x->rec_category[i] ||
            !streq(nettx_evaluation_recommendation_summary(e, i), x->rec_summary[i]) ||
            !streq(nettx_evaluation_recommendation_rationale(e, i), x->rec_rationale[i]) ||
            nettx_evaluation_recommendation_source_count(e, i) != x->rec_n_sources[i])
            return 0;
        for (size_t j = 0; j < x->rec_n_sources[i]; j++)
            if (!streq(nettx_evaluation_recommendation_source(e, i, j), x->rec_sources[i][j])) return 0;
    }
    for (size_t i = 0; i < x->n_missing; i++)
        if (nettx_evaluation_missing_field(e, i) != x->missing[i] ||
            !streq(nettx_evaluation_missing_reason(e, i), x->missing_reason[i]))
            return 0;
    for (size_t i = 0; i < x->n_warnings; i++)
        if (nettx_evaluation_warning_code(e, i) != x->warnings[i] ||
            !streq(nettx_evaluation_warning_message(e, i), x->warning_message[i]))
            return 0;
    for (size_t i = 0; i < x->n_trace; i++)
        if (nettx_evaluation_trace_rule(e, i) != x->trace_rule[i] ||
            nettx_evaluation_trace_fired(e, i) != x->trace_fired[i])
            return 0;
    /* Out of range: the sentinels. */
    return nettx_evaluation_recommendation_code(e, x->n_recs) == -1 &&
           nettx_evaluation_recommendation_summary(e, x->n_recs) == NULL;
}

/* The parts made on first request: the case digest and the trace details. */
static int check_lazy(const nettx_evaluation *e, const expected_t *x) {
    if (!streq(nettx_evaluation_case_digest(e), x->digest)) return 0;
    for (size_t i = 0; i < x->n_trace; i++) {
        const char *d = nettx_evaluation_trace_detail(e, i);
        if (!d) return 0;
    }
    return nettx_evaluation_trace_detail(e, x->n_trace) == NULL;
}

/* ---- the inputs --------------------------------------------------------- */

typedef struct {
    char *text;
    size_t len;
    const char *golden;
    int status;
} json_input;

enum { N_BAD_TYPED = 9 };

typedef struct {
    nettx_case c;
    char *case_id; /* owned, or NULL */
    int status;    /* NETTX_OK for a valid case */
    const char *golden;
    expected_t expect;
    char *error_doc; /* the expected error document of an invalid case */
} typed_input;

static char long_id[300];

/* Invalid typed case k: its struct, its JSON equivalent (or NULL), the status
   and the field its error names. */
static const char *bad_typed(int k, nettx_case *c, int *status, const char **field) {
    nettx_case_init(c);
    c->primary_site = NETTX_SITE_ILEUM;
    *status = NETTX_ERR_FIELD;
    switch (k) {
    case 0:
        c->has_tumor_size = true;
        c->tumor_size_cm = -2.0;
        *field = "tumor_size_cm";
        return "{\"primary_site\":\"ileum\",\"tumor_size_cm\":-2}";
    case 1:
        c->primary_site = (nettx_site)99;
        *field = "primary_site";
        return "{\"primary_site\":99}";
    case 2:
        c->local_spread = (nettx_fact)3;
        *field = "local_spread";
        return "{\"primary_site\":\"ileum\",\"local_spread\":3}";
    case 3:
        c->complications = 64;
        *field = "complications";
        return "{\"primary_site\":\"ileum\",\"complications\":64}";
    case 4:
        c->metastatic = NETTX_FACT_FALSE;
        c->hepatic_metastases = NETTX_FACT_TRUE;
        *status = NETTX_ERR_CONTRADICTION;
        *field = "metastatic";
        return "{\"primary_site\":\"ileum\",\"metastatic\":false,\"hepatic_metastases\":true}";
    case 5:
        c->primary_site = NETTX_SITE_NONE;
        c->metastatic = NETTX_FACT_FALSE;
        *field = "primary_site";
        return "{\"metastatic\":false}";
    case 6:
        c->has_tumor_size = true;
        c->tumor_size_cm = nan("");
        *field = "tumor_size_cm";
        return NULL;
    case 7:
        memset(long_id, 'x', 257);
        long_id[257] = '\0';
        c->case_id = long_id;
        *field = "case_id";
        return NULL;
    default: /* a struct that never saw nettx_case_init */
        memset(c, 0, sizeof *c);
        c->primary_site = NETTX_SITE_ILEUM;
        *status = NETTX_ERR_PARSE;
        *field = NULL;
        return NULL;
    }
}

/* ---- main --------------------------------------------------------------- */

static unsigned long long parse_count(const char *s) {
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end) die("a count must be a whole number");
    return v;
}

static void usage(void) {
    fprintf(stderr, "usage: soak [-n N] [--warmup W] [--interval I] [--max-growth-kib K] [--leak-every K] "
                    "GOLDEN_JSONL INPUTS_HEX TYPED_TXT\n");
    exit(2);
}

int main(int argc, char **argv) {
    unsigned long long n = 10000000ULL, warmup = 0, interval = 0, leak_every = 0;
    long max_growth = 2048;
    int have_warmup = 0, have_interval = 0;
    const char *paths[3];
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-n") == 0 && i + 1 < argc) n = parse_count(argv[++i]);
        else if (strcmp(a, "--warmup") == 0 && i + 1 < argc) { warmup = parse_count(argv[++i]); have_warmup = 1; }
        else if (strcmp(a, "--interval") == 0 && i + 1 < argc) { interval = parse_count(argv[++i]); have_interval = 1; }
        else if (strcmp(a, "--max-growth-kib") == 0 && i + 1 < argc) max_growth = (long)parse_count(argv[++i]);
        else if (strcmp(a, "--leak-every") == 0 && i + 1 < argc) leak_every = parse_count(argv[++i]);
        else if (a[0] == '-' && a[1]) usage();
        else if (n_paths < 3) paths[n_paths++] = a;
        else usage();
    }
    if (n_paths != 3 || n == 0) usage();
    if (!have_warmup) warmup = n / 10 < 100000 ? n / 10 : 100000;
    if (!have_interval) interval = n / 10 < 1000000 ? n / 10 : 1000000;
    if (interval == 0) interval = 1;
    if (warmup >= n) die("the warm-up must be shorter than the run");

    /* Inputs, and what each must give (checked once here against golden). */
    lines_t golden = read_lines(paths[0]), hex = read_lines(paths[1]), typed_lines = read_lines(paths[2]);
    if (hex.n != golden.n || hex.n == 0) die("INPUTS_HEX and GOLDEN_JSONL differ in length");
    if (typed_lines.n == 0 || typed_lines.n > golden.n) die("TYPED_TXT: no cases, or more than golden lines");
    size_t n_json = hex.n, n_json_valid = 0;
    json_input *json = calloc(n_json, sizeof *json);
    if (!json) die("out of memory");
    for (size_t i = 0; i < n_json; i++) {
        json[i].text = unhex(hex.lines[i], &json[i].len);
        json[i].golden = golden.lines[i];
        /* The status a golden line stands for: NETTX_OK for an evaluation. */
        json[i].status = nettx_error_read(golden.lines[i], NULL, NULL);
        if (json[i].status == NETTX_OK) n_json_valid++;
        /* The library must reproduce golden.jsonl before the soak starts
           (else it is another build than the conformance files). */
        char *out = NULL;
        int status = nettx_evaluate_json(json[i].text, &out);
        if (status != json[i].status || !streq(out, json[i].golden)) {
            fprintf(stderr, "soak: JSON input %zu: this libnettx does not give its line of golden.jsonl\n"
                            "  got  %s\n  want %s\n",
                    i, out ? out : "(null)", json[i].golden);
            return 2;
        }
        nettx_string_free(out);
    }
    size_t n_valid = typed_lines.n, n_typed = n_valid + N_BAD_TYPED;
    typed_input *typed = calloc(n_typed, sizeof *typed);
    if (!typed) die("out of memory");
    for (size_t i = 0; i < n_valid; i++) {
        typed_input *t = &typed[i];
        typed_case parsed = parse_typed(typed_lines.lines[i]);
        t->c = parsed.c;
        t->case_id = parsed.case_id;
        t->status = NETTX_OK;
        t->golden = golden.lines[i];
        nettx_evaluation *e = NULL;
        char *error = NULL, *doc = NULL;
        if (nettx_evaluate(&t->c, &e, &error) != NETTX_OK || !e) {
            fprintf(stderr, "soak: typed case %zu fails: %s\n", i, error ? error : "");
            return 2;
        }
        if (nettx_evaluation_to_json(e, &doc) != NETTX_OK || !streq(doc, t->golden)) {
            fprintf(stderr, "soak: typed case %zu differs from golden.jsonl\n", i);
            return 2;
        }
        nettx_string_free(doc);
        if (!record(e, &t->expect) || !matches(e, &t->expect, t->case_id)) die("typed case too large to record");
        nettx_evaluation_free(e);
    }
    for (int k = 0; k < N_BAD_TYPED; k++) {
        typed_input *t = &typed[n_valid + (size_t)k];
        const char *field = NULL;
        const char *equivalent = bad_typed(k, &t->c, &t->status, &field);
        nettx_evaluation *e = NULL;
        char *doc = NULL, *got_field = NULL;
        int status = nettx_evaluate(&t->c, &e, &doc);
        int read = nettx_error_read(doc, &got_field, NULL);
        if (status != t->status || e || !doc || read != t->status ||
            (field ? !streq(got_field, field) : got_field != NULL)) {
            fprintf(stderr, "soak: invalid typed case %d: status %d, document %s\n", k, status, doc ? doc : "(none)");
            return 2;
        }
        nettx_string_free(got_field);
        if (equivalent) {
            char *want = NULL;
            int want_status = nettx_evaluate_json(equivalent, &want);
            if (want_status != t->status || !streq(doc, want)) {
                fprintf(stderr, "soak: invalid typed case %d: document differs from JSON's\n", k);
                return 2;
            }
            nettx_string_free(want);
        }
        t->error_doc = doc;
    }

    printf("soak (C API, libnettx %s, static): %llu iterations x (1 JSON + 1 typed) = %llu evaluations\n",
           nettx_version(), n, 2 * n);
    printf("  JSON inputs: %zu (%zu valid, %zu errors), through nettx_evaluate_json / _len on alternate rounds\n",
           n_json, n_json_valid, n_json - n_json_valid);
    printf("  typed cases: %zu (%zu valid, %d invalid)\n", n_typed, n_valid, N_BAD_TYPED);
    if (leak_every) printf("  SELF-TEST: every %llu-th JSON output is leaked on purpose\n", leak_every);
    printf("  warm-up %llu iterations; RSS limit: growth < %ld KiB\n", warmup, max_growth);
    printf("%14s %14s %10s %10s\n", "iterations", "evaluations", "elapsed s", "RSS KiB");
    fflush(stdout);

    long rss_before = rss_kib(), rss_start = -1, rss_min = -1, rss_max = -1, rss_middle = -1;
    unsigned long long middle = warmup + (n - warmup) / 2; /* where the second half starts */
    double t0 = now(), t_start = t0;
    size_t ji = 0, ti = 0;            /* next JSON input, next typed case */
    unsigned long long jround = 0, tround = 0, json_calls = 0;
    for (unsigned long long it = 0; it < n; it++) {
        if (it == middle) rss_middle = rss_kib();
        if (it == warmup) {
            rss_start = rss_min = rss_max = rss_kib();
            t_start = now();
            printf("%14llu %14llu %10.1f %10ld  (start reading, after warm-up)\n", it, 2 * it, t_start - t0,
                   rss_start);
            fflush(stdout);
        }

        /* JSON */
        {
            const json_input *in = &json[ji];
            char *out = NULL;
            int status = (jround & 1) ? nettx_evaluate_json_len(in->text, in->len, &out)
                                      : nettx_evaluate_json(in->text, &out);
            json_calls++;
            if (status != in->status || !out || strcmp(out, in->golden) != 0)
                fail((jround & 1) ? "nettx_evaluate_json_len: status or bytes" : "nettx_evaluate_json: status or bytes",
                     it, ji);
            else if (status != NETTX_OK && ji % 5 == jround % 5) {
                char *field = NULL, *message = NULL;
                if (nettx_error_read(out, &field, &message) != status || !message || !*message)
                    fail("nettx_error_read", it, ji);
                nettx_string_free(field);
                nettx_string_free(message);
            }
            if (!(leak_every && json_calls % leak_every == 0)) nettx_string_free(out);
            if (++ji == n_json) {
                ji = 0;
                jround++;
            }
        }

        /* typed */
        {
            const typed_input *t = &typed[ti];
            nettx_evaluation *e = NULL;
            if (t->status == NETTX_OK) {
                char *error = NULL;
                int status = nettx_evaluate(&t->c, &e, (tround & 1) ? NULL : &error);
                if (status != NETTX_OK || !e || error) {
                    fail("nettx_evaluate: status", it, ti);
                    nettx_string_free(error);
                } else {
                    if (!matches(e, &t->expect, t->case_id)) fail("typed evaluation reads differently", it, ti);
                    if (it % 7 == 0 && !check_lazy(e, &t->expect)) fail("case digest or trace details", it, ti);
                    if (it % 61 == 0) {
                        char *doc = NULL;
                        if (nettx_evaluation_to_json(e, &doc) != NETTX_OK || !streq(doc, t->golden))
                            fail("nettx_evaluation_to_json", it, ti);
                        nettx_string_free(doc);
                    }
                }
            } else {
                char *error = NULL;
                int pass_error = !(tround & 1);
                int status = nettx_evaluate(&t->c, &e, pass_error ? &error : NULL);
                if (status != t->status || e || (pass_error && !streq(error, t->error_doc)))
                    fail("nettx_evaluate of an invalid case: status or document", it, ti);
                nettx_string_free(error);
            }
            nettx_evaluation_free(e);
            if (++ti == n_typed) {
                ti = 0;
                tround++;
            }
        }

        if ((it + 1) % interval == 0) {
            long rss = rss_kib();
            if (it >= warmup) {
                if (rss < rss_min) rss_min = rss;
                if (rss > rss_max) rss_max = rss;
            }
            printf("%14llu %14llu %10.1f %10ld\n", it + 1, 2 * (it + 1), now() - t0, rss);
            fflush(stdout);
        }
    }
    double t_end = now();
    long rss_end = rss_kib(), hwm = status_kib("VmHWM:");
    long growth = rss_end - rss_start;
    if (rss_end < rss_min) rss_min = rss_end;
    if (rss_end > rss_max) rss_max = rss_end;
    double total = t_end - t0;
    int ok = wrong == 0 && rss_start > 0 && rss_end > 0 && growth < max_growth;

    printf("RSS before the warm-up:  %ld KiB\n", rss_before);
    printf("RSS start (after %llu):  %ld KiB\n", warmup, rss_start);
    printf("RSS end:                 %ld KiB\n", rss_end);
    printf("RSS growth:              %ld KiB (limit < %ld KiB)\n", growth, max_growth);
    printf("  of which in the second half (%llu iterations): %ld KiB\n", n - middle, rss_end - rss_middle);
    printf("RSS from start to end:   %ld to %ld KiB\n", rss_min, rss_max);
    printf("peak RSS (VmHWM):        %ld KiB\n", hwm);
    printf("wrong results:           %llu\n", wrong);
    printf("time: %.1f s for %llu evaluations (%.0f evaluations/s; %.2f us per JSON + typed pair)\n", total, 2 * n,
           (double)(2 * n) / total, total / (double)n * 1e6);
    printf("SOAK c evaluations=%llu start_kib=%ld end_kib=%ld growth_kib=%ld second_half_kib=%ld seconds=%.1f "
           "per_s=%.0f wrong=%llu result=%s\n",
           2 * n, rss_start, rss_end, growth, rss_end - rss_middle, total, (double)(2 * n) / total, wrong,
           ok ? "ok" : "FAIL");

    for (size_t i = 0; i < n_json; i++) free(json[i].text);
    free(json);
    for (size_t i = 0; i < n_typed; i++) {
        free(typed[i].case_id);
        nettx_string_free(typed[i].error_doc);
    }
    free(typed);
    free_lines(&golden);
    free_lines(&hex);
    free_lines(&typed_lines);
    return ok ? 0 : 1;
}
