/*
 * Speed of nettx_fhir_evaluate_json (map a FHIR record, evaluate, serialize,
 * hand over, nettx_string_free) on one record read from a file: the median of
 * 31 runs of 2,000 calls, per call. Figures in BENCHMARKS.md.
 *
 *   bench_fhir RECORD_JSON
 */
#define _POSIX_C_SOURCE 199309L
#include "nettx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s RECORD_JSON\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) return 2;
    static char record[1 << 22];
    size_t n = fread(record, 1, sizeof record - 1, f);
    fclose(f);
    record[n] = '\0';
    enum { RUNS = 31, CALLS = 2000 };
    double per_call[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (int i = 0; i < CALLS; i++) {
            char *out = NULL;
            if (nettx_fhir_evaluate_json(record, &out) != NETTX_OK) {
                fprintf(stderr, "refused: %s\n", out);
                return 1;
            }
            nettx_string_free(out);
        }
        per_call[r] = (now() - t0) / CALLS;
    }
    qsort(per_call, RUNS, sizeof per_call[0], cmp);
    printf("record: %zu bytes; nettx_fhir_evaluate_json: median %.2f us per call (min %.2f, max %.2f)\n", n,
           per_call[RUNS / 2] * 1e6, per_call[0] * 1e6, per_call[RUNS - 1] * 1e6);
    return 0;
}
