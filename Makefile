# See README.md. Both targets prepare what they need (virtualenv, PostgreSQL, databases).
.PHONY: demo test bench sandbox

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh

sandbox:
	bash -c 'source scripts/lib.sh && find_odoo && ensure_venv && cd "$$REPO_DIR" && exec "$$VENV/bin/python" -m sandbox --port 8070'
