/*
 * nettx.hpp: C++17 interface of libnettx, header-only, over the C API of
 * nettx.h. Written by hand (not generated); link with -lnettx as for C.
 *
 *   #include <nettx.hpp>
 *
 *   nettx::Case c{nettx::Site::Ileum};
 *   c.tumor_size_cm = 2.5;
 *   c.metastatic = false;
 *   nettx::Evaluation e = nettx::evaluate(c);          // throws nettx::Error
 *   for (const nettx::Recommendation &r : e.recommendations())
 *       std::cout << r.code_name << ": " << r.summary << '\n';
 *
 *   std::string json = nettx::evaluate_json(R"({"primary_site":"ileum"})");
 *
 * Conventions:
 *   - Ownership is unique: an Evaluation owns its C handle and frees it in its
 *     destructor; it can be moved, not copied. A moved-from Evaluation may only
 *     be destroyed or assigned to.
 *   - Every failure throws nettx::Error (a std::invalid_argument) carrying the
 *     status, the error kind, the offending field and the message; nothing is
 *     half-evaluated. Allocation failure throws std::bad_alloc.
 *   - std::string_view results point either to static texts of the library
 *     (names, summaries, rationales, reasons, messages, sources, rule ids:
 *     valid for the whole process) or into the Evaluation they came from
 *     (case_id, case_digest, trace details: valid while it lives).
 *   - Thread safety is that of the C API: any function may be called from
 *     many threads at once, and a const Evaluation may be read concurrently.
 */
#ifndef NETTX_HPP
#define NETTX_HPP

#include "nettx.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nettx {

/** Status of a call, as nettx_status (NETTX_OK, NETTX_ERR_*). */
enum class Status : int {
    Ok = NETTX_OK,
    Parse = NETTX_ERR_PARSE,
    Field = NETTX_ERR_FIELD,
    Contradiction = NETTX_ERR_CONTRADICTION,
    Internal = NETTX_ERR_INTERNAL,
    NullArgument = NETTX_ERR_NULL_ARGUMENT,
    Panic = NETTX_ERR_PANIC,
};

/** Where the primary tumour arose (nettx_site). */
enum class Site : std::int32_t {
    Duodenum = NETTX_SITE_DUODENUM,
    Jejunum = NETTX_SITE_JEJUNUM,
    Ileum = NETTX_SITE_ILEUM,
    SmallIntestineUnspecified = NETTX_SITE_SMALL_INTESTINE_UNSPECIFIED,
    Colon = NETTX_SITE_COLON,
    Rectum = NETTX_SITE_RECTUM,
    Appendix = NETTX_SITE_APPENDIX,
    Other = NETTX_SITE_OTHER,
};

/** Differentiation of the tumour (nettx_histology; unknown is an empty optional). */
enum class Histology : std::int32_t {
    WellDifferentiated = NETTX_HISTOLOGY_WELL_DIFFERENTIATED,
    PoorlyDifferentiated = NETTX_HISTOLOGY_POORLY_DIFFERENTIATED,
};

/** A tumour-related complication (nettx_complication). */
enum class Complication : std::int32_t {
    BowelObstruction = NETTX_COMPLICATION_BOWEL_OBSTRUCTION,
    Bleeding = NETTX_COMPLICATION_BLEEDING,
    Perforation = NETTX_COMPLICATION_PERFORATION,
    IntestinalIschemia = NETTX_COMPLICATION_INTESTINAL_ISCHEMIA,
    Other = NETTX_COMPLICATION_OTHER,
};

/** Response to a somatostatin analogue (nettx_ssa_response; unknown is an empty optional). */
enum class SsaResponse : std::int32_t {
    NotStarted = NETTX_SSA_RESPONSE_NOT_STARTED,
    Controlled = NETTX_SSA_RESPONSE_CONTROLLED,
    SymptomsWorsening = NETTX_SSA_RESPONSE_SYMPTOMS_WORSENING,
    Intolerant = NETTX_SSA_RESPONSE_INTOLERANT,
};

/** Stage of the disease after the step-0 inferences (nettx_disease_state). */
enum class DiseaseState : std::int32_t {
    Localized = NETTX_DISEASE_STATE_LOCALIZED,
    Metastatic = NETTX_DISEASE_STATE_METASTATIC,
    Undetermined = NETTX_DISEASE_STATE_UNDETERMINED,
};

/** An aim of treatment (nettx_goal). */
enum class Goal : std::int32_t {
    SymptomControl = NETTX_GOAL_SYMPTOM_CONTROL,
    TumorGrowthControl = NETTX_GOAL_TUMOR_GROWTH_CONTROL,
    BiochemicalControl = NETTX_GOAL_BIOCHEMICAL_CONTROL,
    Cure = NETTX_GOAL_CURE,
};

/** How strongly the guideline backs a recommendation (nettx_strength). */
enum class Strength : std::int32_t {
    Preferred = NETTX_STRENGTH_PREFERRED,
    Alternative = NETTX_STRENGTH_ALTERNATIVE,
    Option = NETTX_STRENGTH_OPTION,
};

/** What a recommendation aims to achieve (nettx_intent). */
enum class Intent : std::int32_t {
    Curative = NETTX_INTENT_CURATIVE,
    Cytoreductive = NETTX_INTENT_CYTOREDUCTIVE,
    SymptomControl = NETTX_INTENT_SYMPTOM_CONTROL,
    ComplicationRelief = NETTX_INTENT_COMPLICATION_RELIEF,
    Diagnostic = NETTX_INTENT_DIAGNOSTIC,
};

/** How soon a recommendation should be acted on (nettx_urgency). */
enum class Urgency : std::int32_t {
    Urgent = NETTX_URGENCY_URGENT,
    Elective = NETTX_URGENCY_ELECTIVE,
};

/** Kind of a recommendation (nettx_category). */
enum class Category : std::int32_t {
    Surgery = NETTX_CATEGORY_SURGERY,
    Medical = NETTX_CATEGORY_MEDICAL,
    Workup = NETTX_CATEGORY_WORKUP,
    Referral = NETTX_CATEGORY_REFERRAL,
};

/** A field of a case (nettx_field). */
enum class Field : std::int32_t {
    CaseId = NETTX_FIELD_CASE_ID,
    PrimarySite = NETTX_FIELD_PRIMARY_SITE,
    Histology = NETTX_FIELD_HISTOLOGY,
    TumorSizeCm = NETTX_FIELD_TUMOR_SIZE_CM,
    LocalSpread = NETTX_FIELD_LOCAL_SPREAD,
    Metastatic = NETTX_FIELD_METASTATIC,
    HepaticMetastases = NETTX_FIELD_HEPATIC_METASTASES,
    ExtrahepaticMetastases = NETTX_FIELD_EXTRAHEPATIC_METASTASES,
    MetastasesResectable = NETTX_FIELD_METASTASES_RESECTABLE,
    CarcinoidSyndrome = NETTX_FIELD_CARCINOID_SYNDROME,
    Complications = NETTX_FIELD_COMPLICATIONS,
    SsaResponse = NETTX_FIELD_SSA_RESPONSE,
};

/** A recommendation code (nettx_code). */
enum class Code : std::int32_t {
    UrgentSegmentalResection = NETTX_CODE_URGENT_SEGMENTAL_RESECTION,
    LocalExcision = NETTX_CODE_LOCAL_EXCISION,
    SmallBowelResectionWithMesentery = NETTX_CODE_SMALL_BOWEL_RESECTION_WITH_MESENTERY,
    PartialColectomyWithLymphadenectomy = NETTX_CODE_PARTIAL_COLECTOMY_WITH_LYMPHADENECTOMY,
    OncologicResection = NETTX_CODE_ONCOLOGIC_RESECTION,
    CytoreductiveSurgery = NETTX_CODE_CYTOREDUCTIVE_SURGERY,
    LiverResection = NETTX_CODE_LIVER_RESECTION,
    SomatostatinAnalog = NETTX_CODE_SOMATOSTATIN_ANALOG,
    Everolimus = NETTX_CODE_EVEROLIMUS,
    InterferonAlpha = NETTX_CODE_INTERFERON_ALPHA,
    CompleteStaging = NETTX_CODE_COMPLETE_STAGING,
    AssessResectability = NETTX_CODE_ASSESS_RESECTABILITY,
    MultidisciplinaryReview = NETTX_CODE_MULTIDISCIPLINARY_REVIEW,
};

/** A safety warning code (nettx_warning). */
enum class WarningCode : std::int32_t {
    HistologyAssumed = NETTX_WARNING_HISTOLOGY_ASSUMED,
    SyndromeWithoutMetastases = NETTX_WARNING_SYNDROME_WITHOUT_METASTASES,
    CarcinoidCrisisRisk = NETTX_WARNING_CARCINOID_CRISIS_RISK,
    SsaGallstones = NETTX_WARNING_SSA_GALLSTONES,
    EverolimusEvidence = NETTX_WARNING_EVEROLIMUS_EVIDENCE,
    InterferonToxicity = NETTX_WARNING_INTERFERON_TOXICITY,
    PeriampullaryCheck = NETTX_WARNING_PERIAMPULLARY_CHECK,
    RectalIntermediateSize = NETTX_WARNING_RECTAL_INTERMEDIATE_SIZE,
    AntiproliferativeSsaNotCovered = NETTX_WARNING_ANTIPROLIFERATIVE_SSA_NOT_COVERED,
};

namespace detail {

inline std::string_view view(const char *s) noexcept {
    return s ? std::string_view(s) : std::string_view();
}

inline std::string_view name(nettx_vocabulary vocabulary, std::int32_t value) noexcept {
    return view(nettx_name(vocabulary, value));
}

/** Owns a string the library handed over; frees it with nettx_string_free. */
struct StringFree {
    void operator()(char *s) const noexcept { nettx_string_free(s); }
};
using OwnedString = std::unique_ptr<char, StringFree>;

inline std::string take(char *s) {
    OwnedString owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

}  // namespace detail

/** The stable wire name of a value ("ileum", "LOCAL_EXCISION", ...). */
inline std::string_view name(Site v) noexcept { return detail::name(NETTX_VOCABULARY_SITE, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Histology v) noexcept { return detail::name(NETTX_VOCABULARY_HISTOLOGY, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Complication v) noexcept { return detail::name(NETTX_VOCABULARY_COMPLICATION, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(SsaResponse v) noexcept { return detail::name(NETTX_VOCABULARY_SSA_RESPONSE, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(DiseaseState v) noexcept { return detail::name(NETTX_VOCABULARY_DISEASE_STATE, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Goal v) noexcept { return detail::name(NETTX_VOCABULARY_GOAL, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Strength v) noexcept { return detail::name(NETTX_VOCABULARY_STRENGTH, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Intent v) noexcept { return detail::name(NETTX_VOCABULARY_INTENT, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Urgency v) noexcept { return detail::name(NETTX_VOCABULARY_URGENCY, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Category v) noexcept { return detail::name(NETTX_VOCABULARY_CATEGORY, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Field v) noexcept { return detail::name(NETTX_VOCABULARY_FIELD, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(Code v) noexcept { return detail::name(NETTX_VOCABULARY_CODE, static_cast<std::int32_t>(v)); }
/** The stable wire name of a value. */
inline std::string_view name(WarningCode v) noexcept { return detail::name(NETTX_VOCABULARY_WARNING, static_cast<std::int32_t>(v)); }
/** The name of a status ("ok", "parse", "field", ..., "null_argument", "panic"). */
inline std::string_view name(Status v) noexcept { return detail::view(nettx_status_name(static_cast<int>(v))); }

/** The library's version at run time ("0.1.0"); compare with NETTX_VERSION. */
inline std::string_view version() noexcept { return detail::view(nettx_version()); }

/**
 * Why a case could not be evaluated: the error document of the C API, read.
 * kind() is the document's kind ("parse", "field", "contradiction",
 * "internal"); status() also tells a NULL argument or a caught panic apart.
 * what() reads "field error in `tumor_size_cm`: tumor_size_cm must be ...".
 */
class Error : public std::invalid_argument {
public:
    Error(Status status, std::string kind, std::optional<std::string> field, std::string message, std::string json)
        : std::invalid_argument(describe(kind, field, message)),
          status_(status),
          kind_(std::move(kind)),
          field_(std::move(field)),
          message_(std::move(message)),
          json_(std::move(json)) {}

    /** The status the C call returned. */
    Status status() const noexcept { return status_; }
    /** The error kind: "parse", "field", "contradiction" or "internal". */
    const std::string &kind() const noexcept { return kind_; }
    /** The offending field (for an unknown key, the key), if any. */
    const std::optional<std::string> &field() const noexcept { return field_; }
    /** What is wrong and what to do about it. */
    const std::string &message() const noexcept { return message_; }
    /** The error document, {"error":{"kind":...,"field":...,"message":...}}. */
    const std::string &json() const noexcept { return json_; }

    /** Builds the Error for a failed call from its status and error document (taking ownership of it). */
    static Error from_document(int status, char *document) {
        detail::OwnedString doc(document);
        std::string json = doc ? std::string(doc.get()) : std::string();
        char *field = nullptr;
        char *message = nullptr;
        int kind_status = doc ? nettx_error_read(doc.get(), &field, &message) : NETTX_OK;
        detail::OwnedString field_owned(field);
        detail::OwnedString message_owned(message);
        std::string kind(kind_status != NETTX_OK ? detail::view(nettx_status_name(kind_status))
                                                 : std::string_view("internal"));
        std::optional<std::string> field_value;
        if (field_owned) field_value = std::string(field_owned.get());
        std::string message_value = message_owned ? std::string(message_owned.get())
                                                  : std::string(detail::view(nettx_status_name(status)));
        return Error(static_cast<Status>(status), std::move(kind), std::move(field_value),
                     std::move(message_value), std::move(json));
    }

private:
    static std::string describe(const std::string &kind, const std::optional<std::string> &field,
                                const std::string &message) {
        std::string s = kind + " error";
        if (field) s += " in `" + *field + "`";
        return s + ": " + message;
    }

    Status status_;
    std::string kind_;
    std::optional<std::string> field_;
    std::string message_;
    std::string json_;
};

/**
 * Evaluates one case given as JSON and returns the evaluation as compact JSON
 * (the same bytes as every other nettx binding). Throws Error for bad input.
 * The view need not be NUL-terminated; a NUL inside it is a parse error.
 */
inline std::string evaluate_json(std::string_view case_json) {
    char *out = nullptr;
    int status = nettx_evaluate_json_len(case_json.data() ? case_json.data() : "", case_json.size(), &out);
    if (status != NETTX_OK) throw Error::from_document(status, out);
    return detail::take(out);
}

/**
 * Maps a FHIR R4 record (a Bundle, or a CDS Hooks prefetch object) to a case
 * and evaluates it: {"case":...,"provenance":...,"notes":[...],"evaluation":{...}},
 * the same bytes as every other binding. Throws Error for a record the mapping
 * refuses (its message names the resources). At most 8 MiB; a NUL inside the
 * view ends the record as C sees it, so the view is copied to a C string.
 */
inline std::string fhir_evaluate_json(std::string_view record) {
    std::string text(record);
    char *out = nullptr;
    int status = nettx_fhir_evaluate_json(text.c_str(), &out);
    if (status != NETTX_OK) throw Error::from_document(status, out);
    return detail::take(out);
}

/**
 * One case. The primary site is required (the constructor takes it); every
 * other fact is unknown until set: std::nullopt is unknown, never false.
 */
struct Case {
    /** Site of the primary tumour. */
    Site primary_site;
    /** The caller's identifier, echoed in the evaluation (at most 256 bytes of UTF-8). */
    std::optional<std::string> case_id;
    /** Histology. */
    std::optional<Histology> histology;
    /** Largest diameter of the primary in cm (0.01 to 30). */
    std::optional<double> tumor_size_cm;
    /** Beyond the submucosa, or regional nodes / mesentery involved. */
    std::optional<bool> local_spread;
    /** Any distant metastasis. */
    std::optional<bool> metastatic;
    /** Liver metastases. */
    std::optional<bool> hepatic_metastases;
    /** Metastases outside the liver. */
    std::optional<bool> extrahepatic_metastases;
    /** All metastatic disease judged resectable. */
    std::optional<bool> metastases_resectable;
    /** Carcinoid syndrome present. */
    std::optional<bool> carcinoid_syndrome;
    /** Complications that occurred (empty: none; repeats count once). */
    std::vector<Complication> complications;
    /** Response to a somatostatin analogue. */
    std::optional<SsaResponse> ssa_response;

    /** A case at `site` with every other fact unknown. */
    explicit Case(Site site) : primary_site(site) {}

    /**
     * The C form of this case. It borrows case_id's characters: use it while
     * this Case lives and is not changed. An embedded NUL in case_id would cut
     * it short in C, so it is refused (Error, field case_id).
     */
    nettx_case to_c() const {
        nettx_case c;
        nettx_case_init(&c);
        if (case_id) {
            if (case_id->find('\0') != std::string::npos) {
                throw Error(Status::Field, "field", std::string("case_id"),
                            "case_id contains a NUL character; use an identifier without one",
                            "{\"error\":{\"kind\":\"field\",\"field\":\"case_id\",\"message\":"
                            "\"case_id contains a NUL character; use an identifier without one\"}}");
            }
            c.case_id = case_id->c_str();
        }
        c.primary_site = static_cast<nettx_site>(primary_site);
        if (histology) c.histology = static_cast<nettx_histology>(*histology);
        if (tumor_size_cm) {
            c.has_tumor_size = true;
            c.tumor_size_cm = *tumor_size_cm;
        }
        c.local_spread = fact(local_spread);
        c.metastatic = fact(metastatic);
        c.hepatic_metastases = fact(hepatic_metastases);
        c.extrahepatic_metastases = fact(extrahepatic_metastases);
        c.metastases_resectable = fact(metastases_resectable);
        c.carcinoid_syndrome = fact(carcinoid_syndrome);
        for (Complication x : complications) {
            auto bit = static_cast<std::int32_t>(x);
            // Out-of-range values set a bit the library refuses (never dropped).
            c.complications |= (bit >= 0 && bit < 31) ? (std::uint32_t{1} << bit) : (std::uint32_t{1} << 31);
        }
        if (ssa_response) c.ssa_response = static_cast<nettx_ssa_response>(*ssa_response);
        return c;
    }

private:
    static nettx_fact fact(const std::optional<bool> &v) noexcept {
        return !v ? NETTX_FACT_UNKNOWN : (*v ? NETTX_FACT_TRUE : NETTX_FACT_FALSE);
    }
};

/** One recommendation. Texts are static (valid for the whole process). */
struct Recommendation {
    Code code;
    std::string_view code_name;
    Category category;
    Strength strength;
    Intent intent;
    Urgency urgency;
    /** One line saying what is recommended. */
    std::string_view summary;
    /** Why it is recommended for this case. */
    std::string_view rationale;
    /** Statements and references behind it ("S7", "R2", ...). */
    std::vector<std::string_view> sources;
};

/** A field the evaluation needed and did not have. Texts are static. */
struct Missing {
    Field field;
    std::string_view field_name;
    /** The decision it blocks. */
    std::string_view reason;
};

/** A safety warning. Texts are static. */
struct Warning {
    WarningCode code;
    std::string_view code_name;
    std::string_view message;
    std::vector<std::string_view> sources;
};

/** One rule consulted. `rule` is static; `detail` lives as long as its Evaluation. */
struct TraceEntry {
    std::string_view rule;
    bool fired;
    std::string_view detail;
};

/** The evaluation of one case: owns its nettx_evaluation handle (move-only). */
class Evaluation {
public:
    /** Takes ownership of a handle from nettx_evaluate (must not be NULL). */
    explicit Evaluation(nettx_evaluation *handle) noexcept : handle_(handle) {}

    /** Whether the guideline covers the case. */
    bool in_scope() const noexcept { return nettx_evaluation_in_scope(get()) == 1; }
    /** Localized, metastatic or undetermined. */
    DiseaseState disease_state() const noexcept {
        return static_cast<DiseaseState>(nettx_evaluation_disease_state(get()));
    }
    /** The case's identifier, if it had one (valid while this Evaluation lives). */
    std::optional<std::string_view> case_id() const noexcept {
        const char *id = nettx_evaluation_case_id(get());
        return id ? std::optional<std::string_view>(id) : std::nullopt;
    }
    /** SHA-256 of the case in canonical form (valid while this Evaluation lives). */
    std::string_view case_digest() const noexcept { return detail::view(nettx_evaluation_case_digest(get())); }

    /** Goals of treatment, in output order. */
    std::vector<Goal> goals() const {
        std::vector<Goal> out;
        std::size_t n = nettx_evaluation_goal_count(get());
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<Goal>(nettx_evaluation_goal(get(), i)));
        return out;
    }

    /** Recommendations in output order (urgent first, then by strength). */
    std::vector<Recommendation> recommendations() const {
        std::vector<Recommendation> out;
        const nettx_evaluation *e = get();
        std::size_t n = nettx_evaluation_recommendation_count(e);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            Recommendation r{static_cast<Code>(nettx_evaluation_recommendation_code(e, i)),
                             detail::view(nettx_evaluation_recommendation_code_name(e, i)),
                             static_cast<Category>(nettx_evaluation_recommendation_category(e, i)),
                             static_cast<Strength>(nettx_evaluation_recommendation_strength(e, i)),
                             static_cast<Intent>(nettx_evaluation_recommendation_intent(e, i)),
                             static_cast<Urgency>(nettx_evaluation_recommendation_urgency(e, i)),
                             detail::view(nettx_evaluation_recommendation_summary(e, i)),
                             detail::view(nettx_evaluation_recommendation_rationale(e, i)),
                             {}};
            std::size_t k = nettx_evaluation_recommendation_source_count(e, i);
            r.sources.reserve(k);
            for (std::size_t j = 0; j < k; ++j)
                r.sources.push_back(detail::view(nettx_evaluation_recommendation_source(e, i, j)));
            out.push_back(std::move(r));
        }
        return out;
    }

    /** Missing fields, in output order. */
    std::vector<Missing> missing() const {
        std::vector<Missing> out;
        const nettx_evaluation *e = get();
        std::size_t n = nettx_evaluation_missing_count(e);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(Missing{static_cast<Field>(nettx_evaluation_missing_field(e, i)),
                                  detail::view(nettx_evaluation_missing_field_name(e, i)),
                                  detail::view(nettx_evaluation_missing_reason(e, i))});
        return out;
    }

    /** Safety warnings, in output order. */
    std::vector<Warning> warnings() const {
        std::vector<Warning> out;
        const nettx_evaluation *e = get();
        std::size_t n = nettx_evaluation_warning_count(e);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            Warning w{static_cast<WarningCode>(nettx_evaluation_warning_code(e, i)),
                      detail::view(nettx_evaluation_warning_code_name(e, i)),
                      detail::view(nettx_evaluation_warning_message(e, i)),
                      {}};
            std::size_t k = nettx_evaluation_warning_source_count(e, i);
            for (std::size_t j = 0; j < k; ++j)
                w.sources.push_back(detail::view(nettx_evaluation_warning_source(e, i, j)));
            out.push_back(std::move(w));
        }
        return out;
    }

    /** Every rule consulted, in the order consulted. */
    std::vector<TraceEntry> trace() const {
        std::vector<TraceEntry> out;
        const nettx_evaluation *e = get();
        std::size_t n = nettx_evaluation_trace_count(e);
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(TraceEntry{detail::view(nettx_evaluation_trace_rule_id(e, i)),
                                     nettx_evaluation_trace_fired(e, i) == 1,
                                     detail::view(nettx_evaluation_trace_detail(e, i))});
        return out;
    }

    /** The evaluation as compact JSON (the bytes evaluate_json gives). */
    std::string to_json() const {
        char *out = nullptr;
        int status = nettx_evaluation_to_json(get(), &out);
        if (status != NETTX_OK) throw Error::from_document(status, out);
        return detail::take(out);
    }

    /** The CDS Hooks cards of this evaluation, {"cards":[...]} (the bytes every binding gives). */
    std::string cds_cards_json() const {
        char *out = nullptr;
        int status = nettx_evaluation_cds_cards_json(get(), &out);
        if (status != NETTX_OK) throw Error::from_document(status, out);
        return detail::take(out);
    }

    /** The guideline's decision graph with this case's path highlighted, as SVG,
        DOT or Mermaid text (the same bytes for the same case). */
    std::string pathway(nettx_pathway_format format = NETTX_PATHWAY_FORMAT_SVG) const {
        char *out = nullptr;
        int status = nettx_evaluation_pathway(get(), static_cast<int>(format), &out);
        if (status != NETTX_OK) throw Error::from_document(status, out);
        return detail::take(out);
    }

    /** The C handle, still owned by this Evaluation. */
    const nettx_evaluation *get() const noexcept { return handle_.get(); }
    /** Gives up ownership of the C handle (free it with nettx_evaluation_free). */
    nettx_evaluation *release() noexcept { return handle_.release(); }

private:
    struct Free {
        void operator()(nettx_evaluation *e) const noexcept { nettx_evaluation_free(e); }
    };
    std::unique_ptr<nettx_evaluation, Free> handle_;
};

/** Evaluates a typed case. Throws Error for a case the interface refuses. */
inline Evaluation evaluate(const Case &c) {
    nettx_case raw = c.to_c();
    nettx_evaluation *out = nullptr;
    char *error = nullptr;
    int status = nettx_evaluate(&raw, &out, &error);
    if (status != NETTX_OK) throw Error::from_document(status, error);
    return Evaluation(out);
}

}  // namespace nettx

#endif /* NETTX_HPP */
