// A small C++17 program using nettx.hpp. Build against an installed libnettx:
//
//   c++ -std=c++17 main.cpp $(pkg-config --cflags --libs nettx) -o nettx-example-cpp
//
// or `make`, or with CMake (find_package(nettx)): see CMakeLists.txt.
#include <nettx.hpp>

#include <iostream>

int main() {
    nettx::Case c{nettx::Site::Duodenum};  // the site is required
    c.case_id = "example-cpp";
    c.tumor_size_cm = 0.8;
    c.local_spread = false;
    c.metastatic = false;
    // histology and the rest stay unknown (std::nullopt), never false

    try {
        nettx::Evaluation e = nettx::evaluate(c);
        std::cout << "case " << e.case_id().value_or("-") << " (" << nettx::name(e.disease_state()) << ")\n";
        for (const nettx::Recommendation &r : e.recommendations())
            std::cout << "  " << r.code_name << " [" << nettx::name(r.strength) << "]: " << r.summary << '\n';
        for (const nettx::Missing &m : e.missing()) std::cout << "  missing " << m.field_name << ": " << m.reason << '\n';
        for (const nettx::Warning &w : e.warnings()) std::cout << "  warning " << w.code_name << ": " << w.message << '\n';
    } catch (const nettx::Error &e) {
        std::cerr << e.what() << '\n';
        return 1;
    }

    try {
        nettx::evaluate_json(R"({"primary_site":"ileum","metastatic":false,"hepatic_metastases":true})");
        return 1;  // not reached: contradictory input is refused
    } catch (const nettx::Error &e) {
        std::cout << "refused: kind " << e.kind() << ", field " << e.field().value_or("-") << ": " << e.message()
                  << '\n';
    }
    return 0;
}
