# Sourced by run.sh and test.sh: make .venv (once) and install the pinned packages of a requirements file.
# uv (pinned below, installed into .venv by pip) installs them in seconds where pip takes a minute or more;
# when uv cannot be had or fails (no wheel for this machine, an index only pip knows), pip does it all.
UV_VERSION="0.13.9"

install_requirements() {
  local requirements="$1"
  [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
  if [ -z "${KLANTBEWUST_NO_UV:-}" ]; then
    if [ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        "uv==$UV_VERSION" >/dev/null 2>&1; then
      # pip's index and wheel folder, when this machine configures them, are uv's too
      local index find_links args=()
      index="${PIP_INDEX_URL:-$(.venv/bin/python -m pip config get global.index-url 2>/dev/null || true)}"
      find_links="${PIP_FIND_LINKS:-$(.venv/bin/python -m pip config get global.find-links 2>/dev/null || true)}"
      [ -n "$index" ] && args+=(--index-url "$index")
      for folder in $find_links; do [ -d "$folder" ] && args+=(--find-links "$folder"); done
      # --compile-bytecode: pip writes each package's bytecode when it installs it, uv only when asked; without
      # it every new Python process (each test process, app server, benchmark) compiles what it imports
      # again (some 2 CPU seconds for streamlit, pandas and plotly), where the environment says not to
      # write bytecode (PYTHONDONTWRITEBYTECODE)
      if .venv/bin/uv pip install --quiet --compile-bytecode --python .venv/bin/python "${args[@]}" \
          -r "$requirements"; then
        return 0
      fi
      echo "uv could not install $requirements; pip does it." >&2
    fi
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
}
