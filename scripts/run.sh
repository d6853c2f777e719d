#!/usr/bin/env bash
# Set up (once) and run Klantbewust on its embedded SQLite database: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
# shellcheck source=install.sh
source scripts/install.sh
install_requirements requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
