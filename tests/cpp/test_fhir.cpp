// C++17 tests of the FHIR wrappers of nettx.hpp (nettx::fhir_evaluate_json,
// Evaluation::cds_cards_json). Run by tests/c/run.sh against the shared and
// the static library (and under valgrind / sanitizers):
//
//   test_fhir_cpp RECORDS_JSONL EVALUATED_JSONL CARDS_JSONL FHIR_BAD_TXT
//
// Every good record gives its golden bytes; every stored bad record throws
// nettx::Error with its kind and field; the cards of typed cases equal to
// records 01 and 33 are their golden cards. Ends with "RESULT passed=N failed=M".
#include "nettx.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static int passed = 0, failed = 0;

static void check(bool ok, const std::string &what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::cout << "FAIL " << what << '\n';
    }
}

static std::vector<std::string> read_lines(const char *path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::cerr << "cannot open " << path << '\n';
        std::exit(2);
    }
    std::vector<std::string> out;
    std::string line;
    while (std::getline(f, line)) out.push_back(line);
    return out;
}

static std::string unhex(const std::string &hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        std::cerr << "usage: " << argv[0] << " RECORDS_JSONL EVALUATED_JSONL CARDS_JSONL FHIR_BAD_TXT\n";
        return 2;
    }
    auto records = read_lines(argv[1]), evaluated = read_lines(argv[2]);
    auto cards = read_lines(argv[3]), bad = read_lines(argv[4]);
    check(records.size() >= 40 && records.size() == evaluated.size(), "good record count");
    for (std::size_t i = 0; i < records.size() && i < evaluated.size(); ++i) {
        try {
            check(nettx::fhir_evaluate_json(records[i]) == evaluated[i], "record " + std::to_string(i + 1) + ": bytes");
        } catch (const nettx::Error &e) {
            check(false, "record " + std::to_string(i + 1) + ": threw " + e.json());
        }
    }
    std::size_t stored = 0;
    for (const std::string &line : bad) {
        std::size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
        std::string spec = line.substr(0, t1), kind = line.substr(t1 + 1, t2 - t1 - 1), field = line.substr(t2 + 1);
        if (spec.rfind("gen:", 0) == 0) continue;  // generated: checked by the C test
        ++stored;
        try {
            nettx::fhir_evaluate_json(unhex(spec));
            check(false, "bad record accepted: " + spec.substr(0, 40));
        } catch (const nettx::Error &e) {
            check(e.kind() == kind, "bad record: kind " + e.kind() + ", want " + kind);
            check(field.empty() ? !e.field() : (e.field() && *e.field() == field), "bad record: field, " + e.json());
        }
    }
    check(stored >= 40, "stored bad records");
    if (cards.size() >= 33) {
        nettx::Case c{nettx::Site::Ileum};
        c.case_id = "pt1";
        c.histology = nettx::Histology::WellDifferentiated;
        check(nettx::evaluate(c).cds_cards_json() == cards[0], "cards of record 01");
        c.complications = {nettx::Complication::BowelObstruction};
        check(nettx::evaluate(c).cds_cards_json() == cards[32], "cards of record 33");
    } else {
        check(false, "cards.jsonl lines");
    }
    std::cout << "RESULT passed=" << passed << " failed=" << failed << '\n';
    return failed ? 1 : 0;
}
