# nettx: the two commands of the README, and helpers.
#   make demo   evaluate the bundled example cases and print the readable report
#   make test   run every test (what CI runs)

.PHONY: demo test bench clean

demo:
	cargo run --release --quiet -p nettx-cli -- evaluate --format text examples/cases.jsonl

test:
	./scripts/test.sh

bench:
	cargo bench -p nettx

clean:
	cargo clean
