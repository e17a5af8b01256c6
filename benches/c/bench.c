/*
 * Speed of libnettx from C, over the valid conformance cases (the 14
 * guideline examples and the valid own cases of tests/conformance; 70 today):
 *
 *   json   nettx_evaluate_json round trip: parse, validate, evaluate,
 *          digest, serialize, hand the string over, nettx_string_free
 *   typed  nettx_evaluate on a filled nettx_case, then read what a caller
 *          reads: every recommendation's code, strength, intent, urgency,
 *          summary, rationale and sources, every missing field and reason,
 *          every warning and message; nettx_evaluation_free
 *   typed+digest  the same and nettx_evaluation_case_digest (SHA-256)
 *
 * Each run times many passes over all cases; the figure is the median of 31
 * runs, per case. Build against the release static library with -O2:
 *
 *   cargo build --release -p nettx-ffi
 *   python3 tests/c/prepare.py tests/conformance /tmp/nettx-data
 *   gcc -O2 -std=c99 -Iinclude benches/c/bench.c target/release/libnettx.a \
 *       -lgcc_s -lutil -lrt -lpthread -lm -ldl -o /tmp/nettx-bench
 *   /tmp/nettx-bench /tmp/nettx-data/inputs.hex /tmp/nettx-data/typed.txt
 */
#define _POSIX_C_SOURCE 200809L
#include "nettx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 31, MAX_CASES = 256 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The readers of tests/c/prepare.py's files (lines, hex, typed cases). */
#include "../../tests/c/prepared.h"

static char *jsons[MAX_CASES];
static nettx_case cases[MAX_CASES];
static size_t n_cases;
static volatile size_t sink;

static void pass_json(void) {
    for (size_t i = 0; i < n_cases; i++) {
        char *out = NULL;
        if (nettx_evaluate_json(jsons[i], &out) != NETTX_OK) exit(3);
        sink += strlen(out);
        nettx_string_free(out);
    }
}

static void read_evaluation(const nettx_evaluation *e) {
    size_t acc = 0;
    for (size_t i = 0, n = nettx_evaluation_recommendation_count(e); i < n; i++) {
        acc += (size_t)nettx_evaluation_recommendation_code(e, i) + (size_t)nettx_evaluation_recommendation_strength(e, i) +
               (size_t)nettx_evaluation_recommendation_intent(e, i) + (size_t)nettx_evaluation_recommendation_urgency(e, i);
        acc += (size_t)(nettx_evaluation_recommendation_summary(e, i)[0] + nettx_evaluation_recommendation_rationale(e, i)[0]);
        for (size_t j = 0, k = nettx_evaluation_recommendation_source_count(e, i); j < k; j++)
            acc += (size_t)nettx_evaluation_recommendation_source(e, i, j)[1];
    }
    for (size_t i = 0, n = nettx_evaluation_missing_count(e); i < n; i++)
        acc += (size_t)nettx_evaluation_missing_field(e, i) + (size_t)nettx_evaluation_missing_reason(e, i)[0];
    for (size_t i = 0, n = nettx_evaluation_warning_count(e); i < n; i++)
        acc += (size_t)nettx_evaluation_warning_code(e, i) + (size_t)nettx_evaluation_warning_message(e, i)[0];
    sink += acc;
}

static void pass_typed(void) {
    for (size_t i = 0; i < n_cases; i++) {
        nettx_evaluation *e = NULL;
        if (nettx_evaluate(&cases[i], &e, NULL) != NETTX_OK) exit(3);
        read_evaluation(e);
        nettx_evaluation_free(e);
    }
}

static void pass_typed_digest(void) {
    for (size_t i = 0; i < n_cases; i++) {
        nettx_evaluation *e = NULL;
        if (nettx_evaluate(&cases[i], &e, NULL) != NETTX_OK) exit(3);
        read_evaluation(e);
        sink += (size_t)nettx_evaluation_case_digest(e)[0];
        nettx_evaluation_free(e);
    }
}

/* Median time per case, in microseconds, of RUNS runs of `passes` passes. */
static double measure(void (*pass)(void), int passes) {
    double per_case[RUNS];
    for (int w = 0; w < passes; w++) pass(); /* warm-up */
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (int p = 0; p < passes; p++) pass();
        per_case[r] = (now() - t0) / ((double)passes * (double)n_cases) * 1e6;
    }
    qsort(per_case, RUNS, sizeof per_case[0], cmp);
    return per_case[RUNS / 2];
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s INPUTS_HEX TYPED_TXT\n", argv[0]);
        return 2;
    }
    lines_t typed = read_lines(argv[2]), inputs = read_lines(argv[1]);
    /* typed.txt has one line per valid case: the first lines of inputs.hex. */
    for (; n_cases < MAX_CASES && n_cases < typed.n && n_cases < inputs.n; n_cases++) {
        cases[n_cases] = parse_typed(typed.lines[n_cases]).c; /* case_id lives for the run */
        jsons[n_cases] = unhex(inputs.lines[n_cases], NULL);
    }
    free_lines(&typed);
    free_lines(&inputs);
    printf("libnettx %s, %zu cases, median of %d runs\n", nettx_version(), n_cases, RUNS);
    printf("json round trip (nettx_evaluate_json + free):   %.3f us/case (target <= 5)\n", measure(pass_json, 30));
    printf("typed (nettx_evaluate + accessors + free):      %.3f us/case (target <= 1.5)\n", measure(pass_typed, 100));
    printf("typed + case digest:                            %.3f us/case\n", measure(pass_typed_digest, 100));
    return 0;
}
