# See README.md. Both targets prepare what they need (virtualenv, PostgreSQL, databases).
.PHONY: demo test bench bench-offers bench-webhooks bench-freshness sandbox pot

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

bench-offers:
	bash scripts/bench_offers.sh

bench-webhooks:
	bash scripts/bench_webhooks.sh

bench-freshness:
	bash scripts/bench_freshness.sh

sandbox:
	bash -c 'source scripts/lib.sh && find_odoo && ensure_venv && cd "$$REPO_DIR" && exec "$$VENV/bin/python" -m sandbox --port 8070'

pot:
	bash scripts/pot.sh
