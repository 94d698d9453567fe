#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs this): lint the migrations a pull request or push changes, with
# annotations on the diff, optionally a SARIF file for code scanning. Inputs come as INPUT_* variables, the
# rest from the environment GitHub sets (GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_EVENT_PATH, GITHUB_OUTPUT …).
set -uo pipefail

log() { printf '%s\n' "$*" >&2; }

# How to run migralint: INPUT_COMMAND (tests, self-built), else the version the action was released with.
if [[ -n "${INPUT_COMMAND:-}" ]]; then
  read -r -a MIGRALINT <<<"$INPUT_COMMAND"
else
  version="${INPUT_VERSION:-}"
  if [[ -z "$version" && -n "${ACTION_PATH:-}" && -f "$ACTION_PATH/package.json" ]]; then
    version="$(node -p "require(process.argv[1]).version" "$ACTION_PATH/package.json")"
  fi
  MIGRALINT=(npx --yes "migralint@${version:-latest}")
fi

cd "${INPUT_WORKING_DIRECTORY:-${GITHUB_WORKSPACE:-.}}" || { log "migralint: cannot enter ${INPUT_WORKING_DIRECTORY:-$GITHUB_WORKSPACE}"; exit 2; }

# Which ref to compare with: the input, else the pull request's base branch, else the push's previous commit.
base="${INPUT_BASE_REF:-}"
if [[ -z "$base" && "${INPUT_CHANGED_ONLY:-true}" == "true" ]]; then
  if [[ -n "${GITHUB_BASE_REF:-}" ]]; then
    base="origin/${GITHUB_BASE_REF}"
  elif [[ "${GITHUB_EVENT_NAME:-}" == "push" && -n "${GITHUB_EVENT_PATH:-}" && -f "${GITHUB_EVENT_PATH}" ]]; then
    before="$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).before || ''" "$GITHUB_EVENT_PATH")"
    # A new branch has no previous commit (all zeros): lint everything.
    if [[ -n "$before" && ! "$before" =~ ^0+$ ]]; then base="$before"; fi
  fi
fi

# actions/checkout fetches one commit by default: fetch the base and deepen until the merge base is there.
if [[ -n "$base" ]]; then
  if ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
    if [[ "$base" == origin/* ]]; then
      git fetch --no-tags --quiet --depth=50 origin "+refs/heads/${base#origin/}:refs/remotes/${base}" || log "migralint: could not fetch ${base}"
    else
      git fetch --no-tags --quiet --depth=50 origin "$base" || log "migralint: could not fetch ${base}"
    fi
  fi
  deepen() {
    local refs=()
    [[ "$base" == origin/* ]] && refs+=("+refs/heads/${base#origin/}:refs/remotes/${base}")
    local head="${GITHUB_HEAD_REF:-${GITHUB_REF_NAME:-}}"
    [[ -n "$head" ]] && refs+=("+refs/heads/${head}:refs/remotes/origin/${head}")
    git fetch --no-tags --quiet --deepen="$1" origin "${refs[@]}" 2>/dev/null
  }
  if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == "true" ]]; then
    for _ in 1 2 3 4 5; do
      git merge-base "$base" HEAD >/dev/null 2>&1 && break
      deepen 200 || break
    done
    git merge-base "$base" HEAD >/dev/null 2>&1 || git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
fi

args=()
[[ -n "$base" ]] && args+=(--changed-since "$base")
[[ -n "${INPUT_CONFIG:-}" ]] && args+=(--config "$INPUT_CONFIG")
[[ -n "${INPUT_MAX_WARNINGS:-}" ]] && args+=(--max-warnings "$INPUT_MAX_WARNINGS")
if [[ -n "${INPUT_EXTRA_ARGS:-}" ]]; then read -r -a extra <<<"$INPUT_EXTRA_ARGS"; args+=("${extra[@]}"); fi

# Table sizes: a database is read once into a snapshot both runs below use.
sizes=()
if [[ -n "${INPUT_DATABASE_URL:-}" ]]; then
  stats_file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint-stats.json"
  if MIGRALINT_DATABASE_URL="$INPUT_DATABASE_URL" "${MIGRALINT[@]}" stats -o "$stats_file"; then
    sizes=(--stats "$stats_file")
  elif [[ "${INPUT_STATS_OPTIONAL:-false}" == "true" ]]; then
    log "migralint: linting without table sizes"
  else
    exit 2
  fi
elif [[ -n "${INPUT_STATS:-}" ]]; then
  sizes=(--stats "$INPUT_STATS")
  [[ "${INPUT_STATS_OPTIONAL:-false}" == "true" ]] && sizes+=(--stats-optional)
fi

read -r -a paths <<<"${INPUT_PATHS:-}"

if [[ "${INPUT_SARIF:-false}" == "true" ]]; then
  sarif_file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migralint.sarif"
  "${MIGRALINT[@]}" "${paths[@]}" "${args[@]}" "${sizes[@]}" --format sarif --output-file "$sarif_file" >/dev/null 2>&1
  sarif_code=$?
  if [[ $sarif_code -le 1 && -f "$sarif_file" ]]; then
    [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "sarif-file=$sarif_file" >>"$GITHUB_OUTPUT"
  fi
fi

# The report for the log; inside Actions it also prints the annotations. Its exit code is the step's.
"${MIGRALINT[@]}" "${paths[@]}" "${args[@]}" "${sizes[@]}"
code=$?
[[ -n "${GITHUB_OUTPUT:-}" ]] && echo "exit-code=$code" >>"$GITHUB_OUTPUT"
exit "$code"
