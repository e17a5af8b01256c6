// C++17 tests of include/nettx.hpp, run by tests/c/run.sh against the shared
// and the static library:
//
//   test_nettx_cpp GOLDEN_JSONL INPUTS_HEX TYPED_TXT
//
// (the files of tests/c/prepare.py). Checks the conformance suite through
// nettx::evaluate_json and nettx::evaluate, the exceptions of every error kind,
// ownership (move-only, no leaks: run under valgrind too), string_view
// accessors, and 8 threads. Ends with "RESULT passed=N failed=M".
#include "nettx.hpp"

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string &what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::cerr << "FAIL: " << what << '\n';
    }
}

std::vector<std::string> read_lines(const char *path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read ") + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string unhex(const std::string &hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

template <class E>
E value_of(nettx_vocabulary vocabulary, const std::string &name) {
    std::int32_t v = -99;
    if (nettx_value(vocabulary, name.c_str(), &v) != NETTX_OK) throw std::runtime_error("no value named " + name);
    return static_cast<E>(v);
}

std::optional<bool> fact(const std::string &v) {
    if (v == "null") return std::nullopt;
    return v == "true";
}

// A prepared line (see tests/c/prepare.py) as a nettx::Case.
nettx::Case parse_case(const std::string &line) {
    std::vector<std::pair<std::string, std::string>> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) {
        auto eq = field.find('=');
        fields.emplace_back(field.substr(0, eq), field.substr(eq + 1));
    }
    nettx::Case c{nettx::Site::Other};
    for (const auto &[key, value] : fields) {
        bool null = value == "null";
        if (key == "case_id") c.case_id = unhex(value);
        else if (key == "primary_site") c.primary_site = value_of<nettx::Site>(NETTX_VOCABULARY_SITE, value);
        else if (key == "histology") {
            if (!null && value != "unknown") c.histology = value_of<nettx::Histology>(NETTX_VOCABULARY_HISTOLOGY, value);
        } else if (key == "tumor_size_cm") {
            if (!null) c.tumor_size_cm = std::stod(value);
        } else if (key == "local_spread") c.local_spread = fact(value);
        else if (key == "metastatic") c.metastatic = fact(value);
        else if (key == "hepatic_metastases") c.hepatic_metastases = fact(value);
        else if (key == "extrahepatic_metastases") c.extrahepatic_metastases = fact(value);
        else if (key == "metastases_resectable") c.metastases_resectable = fact(value);
        else if (key == "carcinoid_syndrome") c.carcinoid_syndrome = fact(value);
        else if (key == "complications") {
            std::istringstream list(null ? std::string() : value);
            for (std::string item; std::getline(list, item, ',');)
                c.complications.push_back(value_of<nettx::Complication>(NETTX_VOCABULARY_COMPLICATION, item));
        } else if (key == "ssa_response") {
            if (!null && value != "unknown") c.ssa_response = value_of<nettx::SsaResponse>(NETTX_VOCABULARY_SSA_RESPONSE, value);
        } else throw std::runtime_error("unknown key " + key);
    }
    return c;
}

// A compact summary of an evaluation from the C++ accessors, and the same from
// the JSON text (codes in order), so that the two views can be compared.
std::string summary(const nettx::Evaluation &e) {
    std::string s = std::string(nettx::name(e.disease_state())) + (e.in_scope() ? " in" : " out") + " |";
    for (const auto &r : e.recommendations()) {
        s += " " + std::string(r.code_name) + "/" + std::string(nettx::name(r.strength)) + "/" +
             std::string(nettx::name(r.urgency));
        if (nettx::name(r.code) != r.code_name) s += "!code";
    }
    s += " |";
    for (const auto &m : e.missing()) s += " " + std::string(m.field_name);
    s += " |";
    for (const auto &w : e.warnings()) s += " " + std::string(w.code_name);
    return s;
}

std::string summary_of_json(const std::string &json) {
    // Just enough reading of our own output: the values after known keys.
    auto values = [&](const std::string &list_key, const std::string &key) {
        std::vector<std::string> out;
        auto start = json.find("\"" + list_key + "\":[");
        if (start == std::string::npos) return out;
        auto end = list_key == "trace" ? json.size() : json.find("],\"", start);
        for (auto p = json.find("\"" + key + "\":\"", start); p != std::string::npos && p < end;
             p = json.find("\"" + key + "\":\"", p + 1)) {
            auto b = p + key.size() + 4;
            out.push_back(json.substr(b, json.find('"', b) - b));
        }
        return out;
    };
    auto one = [&](const std::string &key) {
        auto p = json.find("\"" + key + "\":");
        auto b = p + key.size() + 3;
        return json.substr(b, json.find_first_of(",}", b) - b);
    };
    std::string state = one("disease_state");
    std::string s = state.substr(1, state.size() - 2) + (one("in_scope") == "true" ? " in" : " out") + " |";
    // Recommendations: strength and urgency are the 3rd and 5th keys of each.
    auto codes = values("recommendations", "code");
    auto strengths = values("recommendations", "strength");
    auto urgencies = values("recommendations", "urgency");
    for (std::size_t i = 0; i < codes.size(); ++i) s += " " + codes[i] + "/" + strengths[i] + "/" + urgencies[i];
    s += " |";
    for (const auto &f : values("missing", "field")) s += " " + f;
    s += " |";
    for (const auto &w : values("warnings", "code")) s += " " + w;
    return s;
}

void test_json(const std::vector<std::string> &inputs, const std::vector<std::string> &golden) {
    check(inputs.size() == golden.size(), "as many inputs as golden lines");
    for (std::size_t i = 0; i < inputs.size() && i < golden.size(); ++i) {
        std::string input = unhex(inputs[i]);
        bool is_error = golden[i].rfind("{\"error\":", 0) == 0;
        try {
            std::string out = nettx::evaluate_json(input);
            check(!is_error && out == golden[i], "evaluate_json " + std::to_string(i));
        } catch (const nettx::Error &e) {
            check(is_error && e.json() == golden[i], "evaluate_json " + std::to_string(i) + " threw " + e.what());
            check(std::string(nettx::name(e.status())) == e.kind(), "status and kind agree: " + e.kind());
            check(golden[i].find("\"kind\":\"" + e.kind() + "\"") != std::string::npos, "kind of " + std::to_string(i));
            check(e.field() ? golden[i].find("\"field\":\"" + *e.field() + "\"") != std::string::npos
                            : golden[i].find("\"field\":") == std::string::npos,
                  "field of " + std::to_string(i));
        }
    }
}

// The pathway of every typed case: each format is deterministic and names its
// format's syntax; a bad format throws nettx::Error naming the field.
void test_pathway(const std::vector<std::string> &typed) {
    for (std::size_t i = 0; i < typed.size(); ++i) {
        nettx::Evaluation e = nettx::evaluate(parse_case(typed[i]));
        std::string dot = e.pathway(NETTX_PATHWAY_FORMAT_DOT);
        check(dot.rfind("digraph pathway {", 0) == 0 && dot == e.pathway(NETTX_PATHWAY_FORMAT_DOT),
              "pathway dot of case " + std::to_string(i));
        check(e.pathway(NETTX_PATHWAY_FORMAT_MERMAID).find("flowchart TD") != std::string::npos,
              "pathway mermaid of case " + std::to_string(i));
        if (i % 20 == 0) {
            std::string svg = e.pathway();
            check(svg.rfind("<svg ", 0) == 0 && svg == e.pathway(NETTX_PATHWAY_FORMAT_SVG),
                  "pathway svg of case " + std::to_string(i));
        }
    }
    nettx::Evaluation e = nettx::evaluate(parse_case(typed.front()));
    try {
        e.pathway(static_cast<nettx_pathway_format>(9));
        check(false, "pathway: bad format accepted");
    } catch (const nettx::Error &err) {
        check(err.field() == std::optional<std::string>("format"), "pathway: bad format names the field");
    }
}

void test_typed(const std::vector<std::string> &typed, const std::vector<std::string> &golden) {
    check(typed.size() == 109, "109 typed cases");
    for (std::size_t i = 0; i < typed.size() && i < golden.size(); ++i) {
        nettx::Case c = parse_case(typed[i]);
        try {
            nettx::Evaluation e = nettx::evaluate(c);
            std::string json = e.to_json();
            check(json == golden[i], "typed case " + std::to_string(i) + ": to_json differs from golden");
            check(summary(e) == summary_of_json(golden[i]),
                  "typed case " + std::to_string(i) + ": accessors " + summary(e) + " vs JSON " + summary_of_json(golden[i]));
            check(golden[i].find("\"case_digest\":\"" + std::string(e.case_digest()) + "\"") != std::string::npos,
                  "typed case " + std::to_string(i) + ": digest");
            check(e.case_id().has_value() == c.case_id.has_value(), "typed case " + std::to_string(i) + ": case_id");
            auto trace = e.trace();
            check(!trace.empty() && !trace[0].rule.empty(), "typed case " + std::to_string(i) + ": trace");
            for (const auto &r : e.recommendations())
                check(!r.summary.empty() && !r.rationale.empty(), "typed case " + std::to_string(i) + ": texts");
        } catch (const nettx::Error &e) {
            check(false, "typed case " + std::to_string(i) + " threw " + e.what());
        }
    }
}

template <class F>
void expect_error(F f, nettx::Status status, const std::string &kind, std::optional<std::string> field, const std::string &what) {
    try {
        f();
        check(false, what + ": no exception");
    } catch (const nettx::Error &e) {
        check(e.status() == status, what + ": status " + std::string(nettx::name(e.status())));
        check(e.kind() == kind, what + ": kind " + e.kind());
        check(e.field() == field, what + ": field " + e.field().value_or("(none)"));
        check(!e.message().empty() && e.json().rfind("{\"error\":", 0) == 0, what + ": message and document");
        std::string prefix = kind + " error" + (field ? " in `" + *field + "`" : std::string()) + ": ";
        check(std::string(e.what()).rfind(prefix, 0) == 0, what + ": what() " + e.what());
    }
}

void test_errors() {
    expect_error([] { nettx::evaluate_json("[]"); }, nettx::Status::Parse, "parse", std::nullopt, "parse");
    expect_error([] { nettx::evaluate_json(R"({"primary_site":"ileum","zzz":1})"); }, nettx::Status::Field, "field",
                 std::string("zzz"), "unknown key");
    expect_error([] { nettx::evaluate_json(std::string("{\"primary_site\":\"ileum\"}\0", 25)); }, nettx::Status::Parse,
                 "parse", std::nullopt, "embedded NUL");
    expect_error(
        [] {
            nettx::Case c{nettx::Site::Ileum};
            c.tumor_size_cm = -2.0;
            nettx::evaluate(c);
        },
        nettx::Status::Field, "field", std::string("tumor_size_cm"), "size out of range");
    expect_error(
        [] {
            nettx::Case c{nettx::Site::Ileum};
            c.metastatic = false;
            c.hepatic_metastases = true;
            nettx::evaluate(c);
        },
        nettx::Status::Contradiction, "contradiction", std::string("metastatic"), "contradiction");
    expect_error(
        [] {
            nettx::Case c{static_cast<nettx::Site>(42)};
            nettx::evaluate(c);
        },
        nettx::Status::Field, "field", std::string("primary_site"), "site out of range");
    expect_error(
        [] {
            nettx::Case c{nettx::Site::Ileum};
            c.case_id = std::string(257, 'x');
            nettx::evaluate(c);
        },
        nettx::Status::Field, "field", std::string("case_id"), "long case_id");
    expect_error(
        [] {
            nettx::Case c{nettx::Site::Ileum};
            c.case_id = std::string("a\0b", 3);
            nettx::evaluate(c);
        },
        nettx::Status::Field, "field", std::string("case_id"), "NUL in case_id");
    // An unknown key holding a NUL (JSON \u0000): still named, the NUL as U+FFFD.
    expect_error([] { nettx::evaluate_json(R"({"primary_site":"ileum","a\u0000b":1})"); }, nettx::Status::Field,
                 "field", std::string("a\xEF\xBF\xBD" "b"), "NUL in an unknown key");
    // An Error is a std::invalid_argument.
    try {
        nettx::evaluate_json("{}");
        check(false, "{} accepted");
    } catch (const std::invalid_argument &e) {
        check(std::string(e.what()).find("primary_site") != std::string::npos, "catch as std::invalid_argument");
    }
}

void test_ownership() {
    static_assert(!std::is_copy_constructible_v<nettx::Evaluation>, "Evaluation is move-only");
    static_assert(std::is_nothrow_move_constructible_v<nettx::Evaluation>, "Evaluation moves without throwing");
    static_assert(std::is_base_of_v<std::invalid_argument, nettx::Error>, "Error is an invalid_argument");
    nettx::Case c{nettx::Site::Jejunum};
    c.case_id = "cpp-1";
    c.tumor_size_cm = 2.5;
    c.metastatic = false;
    c.carcinoid_syndrome = false;
    nettx::Evaluation a = nettx::evaluate(c);
    std::string_view id = *a.case_id();
    nettx::Evaluation b = std::move(a);
    check(b.case_id() && *b.case_id() == "cpp-1" && id == "cpp-1", "moved evaluation keeps its strings");
    check(b.recommendations().size() == 1 && b.recommendations()[0].code == nettx::Code::SmallBowelResectionWithMesentery,
          "small bowel resection recommended");
    check(b.recommendations()[0].sources == std::vector<std::string_view>{"S5", "S1"}, "sources as string_views");
    check(b.goals() == std::vector<nettx::Goal>{nettx::Goal::Cure}, "goal cure");
    nettx_evaluation *raw = b.release();
    check(raw != nullptr && b.get() == nullptr, "release gives up the handle");
    nettx::Evaluation c2(raw);  // takes it back; freed at scope end
    check(c2.in_scope(), "in scope");
    check(nettx::version() == NETTX_VERSION, "version() == NETTX_VERSION");
    check(nettx::name(nettx::Site::SmallIntestineUnspecified) == "small_intestine_unspecified", "site name");
    check(nettx::name(nettx::WarningCode::SsaGallstones) == "SSA_GALLSTONES", "warning name");
}

void test_threads(const std::vector<std::string> &inputs, const std::vector<std::string> &golden,
                  const std::vector<std::string> &typed) {
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < 3; ++round) {
                for (std::size_t i = 0; i < inputs.size(); ++i) {
                    std::string out;
                    try {
                        out = nettx::evaluate_json(unhex(inputs[i]));
                    } catch (const nettx::Error &e) {
                        out = e.json();
                    }
                    if (out != golden[i]) ++mismatches;
                }
                for (std::size_t i = 0; i < typed.size(); ++i)
                    if (nettx::evaluate(parse_case(typed[i])).to_json() != golden[i]) ++mismatches;
            }
        });
    }
    for (auto &t : threads) t.join();
    check(mismatches == 0, "8 threads: " + std::to_string(mismatches.load()) + " results differ");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::cerr << "usage: " << argv[0] << " GOLDEN_JSONL INPUTS_HEX TYPED_TXT\n";
        return 2;
    }
    auto golden = read_lines(argv[1]);
    auto inputs = read_lines(argv[2]);
    auto typed = read_lines(argv[3]);
    test_json(inputs, golden);
    test_typed(typed, golden);
    test_pathway(typed);
    test_errors();
    test_ownership();
    test_threads(inputs, golden, typed);
    std::cout << "RESULT passed=" << passed << " failed=" << failed << '\n';
    return failed ? 1 : 0;
}
