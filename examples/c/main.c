/*
 * A small C program using libnettx: one typed case, one JSON case, one bad
 * case. Build against an installed library (make install PREFIX=...):
 *
 *   cc -std=c99 main.c $(pkg-config --cflags --libs nettx) -o nettx-example
 *
 * or `make` in this directory. Run with the library on the loader's path
 * (LD_LIBRARY_PATH=$PREFIX/lib if PREFIX is not a system directory).
 */
#include <nettx.h>

#include <stdio.h>
#include <string.h>

static void print_evaluation(const nettx_evaluation *e) {
    printf("  disease state: %s, in scope: %s\n",
           nettx_name(NETTX_VOCABULARY_DISEASE_STATE, nettx_evaluation_disease_state(e)),
           nettx_evaluation_in_scope(e) == 1 ? "yes" : "no");
    for (size_t i = 0; i < nettx_evaluation_recommendation_count(e); i++) {
        printf("  %zu. %s (%s, %s)\n     %s\n     sources:", i + 1, nettx_evaluation_recommendation_code_name(e, i),
               nettx_name(NETTX_VOCABULARY_STRENGTH, nettx_evaluation_recommendation_strength(e, i)),
               nettx_name(NETTX_VOCABULARY_URGENCY, nettx_evaluation_recommendation_urgency(e, i)),
               nettx_evaluation_recommendation_summary(e, i));
        for (size_t j = 0; j < nettx_evaluation_recommendation_source_count(e, i); j++)
            printf(" %s", nettx_evaluation_recommendation_source(e, i, j));
        printf("\n");
    }
    for (size_t i = 0; i < nettx_evaluation_missing_count(e); i++)
        printf("  missing %s: %s\n", nettx_evaluation_missing_field_name(e, i), nettx_evaluation_missing_reason(e, i));
    for (size_t i = 0; i < nettx_evaluation_warning_count(e); i++)
        printf("  warning %s: %s\n", nettx_evaluation_warning_code_name(e, i), nettx_evaluation_warning_message(e, i));
}

int main(void) {
    if (strcmp(nettx_version(), NETTX_VERSION) != 0) {
        fprintf(stderr, "header %s but library %s\n", NETTX_VERSION, nettx_version());
        return 1;
    }
    printf("libnettx %s, guideline %s %s\n", nettx_version(), nettx_guideline_id(), nettx_guideline_version());

    /* 1. A typed case: start from nettx_case_init, set what is known. */
    nettx_case c;
    nettx_case_init(&c);
    c.case_id = "example-1";
    c.primary_site = NETTX_SITE_ILEUM;
    c.has_tumor_size = true;
    c.tumor_size_cm = 2.5;
    c.metastatic = NETTX_FACT_FALSE;
    c.carcinoid_syndrome = NETTX_FACT_TRUE;
    /* histology, local spread, ... stay NETTX_*_UNKNOWN */

    nettx_evaluation *e = NULL;
    char *error = NULL;
    int status = nettx_evaluate(&c, &e, &error);
    if (status != NETTX_OK) {
        fprintf(stderr, "evaluation failed (%s): %s\n", nettx_status_name(status), error);
        nettx_string_free(error);
        return 1;
    }
    printf("case %s:\n", nettx_evaluation_case_id(e));
    print_evaluation(e);
    nettx_evaluation_free(e);

    /* 2. The same through JSON: the evaluation document, byte for byte what
       every nettx binding gives. */
    char *json = NULL;
    status = nettx_evaluate_json("{\"primary_site\":\"rectum\",\"tumor_size_cm\":0.8,\"local_spread\":false,"
                                 "\"metastatic\":false}",
                                 &json);
    printf("JSON (%s): %.120s...\n", nettx_status_name(status), json);
    nettx_string_free(json);

    /* 3. A bad case is refused with a status and an error document. */
    json = NULL;
    status = nettx_evaluate_json("{\"primary_site\":\"ileum\",\"tumor_size_cm\":-2}", &json);
    char *field = NULL, *message = NULL;
    nettx_error_read(json, &field, &message);
    printf("bad case: status %s, field %s: %s\n", nettx_status_name(status), field ? field : "-", message);
    nettx_string_free(field);
    nettx_string_free(message);
    nettx_string_free(json);
    return status == NETTX_ERR_FIELD ? 0 : 1;
}
